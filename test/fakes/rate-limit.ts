// The providers' rate limit as both fakes model it: at most `perSecond` accepted requests in
// any sliding second.
export class SlidingSecondLimit {
  perSecond: number | null = null;
  /** Requests refused for being over the limit (answered 429), ever. */
  refused = 0;
  #recent: number[] = [];

  /** `null` lifts the limit; a new limit starts with an empty window. */
  set(perSecond: number | null): void {
    this.perSecond = perSecond;
    this.#recent = [];
  }

  /** True when this request is over the limit; otherwise it is counted. */
  exceeded(): boolean {
    if (this.perSecond === null) return false;
    const now = Date.now();
    this.#recent = this.#recent.filter((t) => now - t < 1000);
    if (this.#recent.length >= this.perSecond) {
      this.refused++;
      return true;
    }
    this.#recent.push(now);
    return false;
  }
}
