// A provider outage as both fakes model it, for as long as a test says: every authenticated
// request meets the same fault (a 5xx, a 429 with Retry-After), or hangs — answered only when the
// outage ends, with a 504 and nothing sent, long after its caller has timed out and gone, as a
// load balancer in front of a dead API does. `end()` is the recovery.
export type OutageMode<F> = { fault: F } | { hang: true };

export class Outage<F> {
  #mode: OutageMode<F> | null = null;
  #ended: (() => void)[] = [];
  /** Requests that met the outage. */
  met = 0;

  begin(mode: OutageMode<F>): void {
    this.#mode = mode;
  }

  end(): void {
    this.#mode = null;
    for (const go of this.#ended.splice(0)) go();
  }

  get active(): boolean {
    return this.#mode !== null;
  }

  /** The fault to answer now, "hung" after a hang (answer 504, send nothing), or null when no outage is on. */
  async meet(): Promise<F | "hung" | null> {
    const mode = this.#mode;
    if (!mode) return null;
    this.met++;
    if ("fault" in mode) return mode.fault;
    await new Promise<void>((go) => this.#ended.push(go));
    return "hung";
  }
}
