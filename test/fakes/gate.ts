// A gate in front of a fake's sending requests, for tests that must act while a request is in
// flight: after `closeAfter(n)` the next n sending requests pass and the ones after them wait at
// the gate until `open()`. A request that waits is then handled as usual, even if its client has
// gone meanwhile — as a provider finishes a request whose caller died.
export class Gate {
  #limit = Number.POSITIVE_INFINITY;
  #passed = 0;
  #waiting: (() => void)[] = [];

  /** Lets `n` more sending requests through, then holds the rest. */
  closeAfter(n: number): void {
    this.#limit = this.#passed + n;
  }

  /** Lets every waiting request go on, and all later ones. */
  open(): void {
    this.#limit = Number.POSITIVE_INFINITY;
    for (const go of this.#waiting.splice(0)) go();
  }

  /** How many requests wait at the gate now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Called by the fake for each sending request: returns when the request may proceed. */
  async pass(): Promise<void> {
    if (this.#passed >= this.#limit) await new Promise<void>((go) => this.#waiting.push(go));
    this.#passed++;
  }
}
