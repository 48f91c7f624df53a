/**
 * The global history of scored templates and the guidance-pair rule.
 *
 * The history contains every accepted template of the run, the initial template
 * included, ranked by train fitness. Ties keep insertion order (earlier step,
 * then lower sample index first), so k-selection and the guidance pair are
 * deterministic, unlike the reference's unstable argsort.
 */

export interface ScoredTemplate {
  /** Candidate row id in the store. */
  id: number;
  /** Canonical template (`{c}` placeholder). */
  template: string;
  /** Top-1 accuracy x100 on the k-shot train images. */
  fitness: number;
  /** Step that produced it; -1 for the initial template. */
  step: number;
  sampleIndex: number;
}

export interface GuidancePair {
  best: ScoredTemplate;
  second: ScoredTemplate;
}

export class History {
  readonly #entries: ScoredTemplate[] = [];

  get size(): number {
    return this.#entries.length;
  }

  add(entry: ScoredTemplate): void {
    this.#entries.push(entry);
  }

  has(template: string): boolean {
    return this.#entries.some((entry) => entry.template === template);
  }

  templates(): Set<string> {
    return new Set(this.#entries.map((entry) => entry.template));
  }

  /**
   * All entries ascending by fitness. Among equal fitness the later entry
   * sorts first, so that the descending view (best first) puts the earlier
   * entry ahead: "earlier wins ties" in every ranking the loop reads.
   */
  ascending(): ScoredTemplate[] {
    const order = new Map(this.#entries.map((entry, index) => [entry, index]));
    return [...this.#entries].sort(
      (a, b) => a.fitness - b.fitness || (order.get(b) ?? 0) - (order.get(a) ?? 0),
    );
  }

  /** Best first; ties keep the earlier entry first. */
  descending(): ScoredTemplate[] {
    return this.ascending().reverse();
  }

  best(): ScoredTemplate | undefined {
    return this.descending()[0];
  }

  /**
   * The in-context examples: k = min(requested, floor(|H| / 2)) per side, so
   * the best and worst blocks never overlap. Both blocks are ascending, which
   * puts the single best template last in `best` and the worst first in `worst`.
   */
  examples(topK: number, bottomK: number): { best: ScoredTemplate[]; worst: ScoredTemplate[] } {
    const half = Math.floor(this.#entries.length / 2);
    const ranked = this.ascending();
    const kBest = Math.min(topK, half);
    const kWorst = Math.min(bottomK, half);
    return {
      best: kBest === 0 ? [] : ranked.slice(ranked.length - kBest),
      worst: ranked.slice(0, kWorst),
    };
  }

  /**
   * The guidance pair if the current best is a strict improvement over
   * `previousBestFitness`, else null (the caller keeps its old pair).
   *
   * `best` is the top template (earliest among ties); `second` is the best
   * template with fitness strictly below it. Because the initial template is
   * in the history and guidance starts only after something beats it, a
   * strictly lower template always exists; the error guards that invariant.
   */
  improvedPair(previousBestFitness: number): GuidancePair | null {
    const ranked = this.descending();
    const best = ranked[0];
    if (!best || best.fitness <= previousBestFitness) {
      return null;
    }
    const second = ranked.find((entry) => entry.fitness < best.fitness);
    if (!second) {
      throw new Error('Guidance pair invariant broken: no template scores strictly below the best one.');
    }
    return { best, second };
  }
}
