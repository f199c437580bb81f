import { WorkflowErrorCode, workflowError } from './errors.js';

/** Metrics one site reported for one model, by name. */
export type SiteMetrics = Readonly<Record<string, number>>;

/** Something that left a cell (or a whole row) of the matrix empty. */
export interface CrossSiteProblem {
  /** The model owner (row). */
  readonly model: string;
  /** The validating site (column); absent when the model itself never arrived. */
  readonly site?: string;
  /** The task that failed (`submit_model` or `validate`). */
  readonly task: string;
  /** What went wrong: a completion status, a return code with its message, or a malformed reply. */
  readonly reason: string;
}

/** The cross-site validation matrix as `cross_val_results.json` holds it. */
export interface CrossSiteResults {
  /** Row order: model owners (`server` first when the server's model took part, then the clients). */
  readonly models: readonly string[];
  /** Column order: the validating sites. */
  readonly sites: readonly string[];
  /** Every metric name reported, in first-seen order. */
  readonly metrics: readonly string[];
  /** `results[model][site]`: the metrics, or null when there is no answer. */
  readonly results: Readonly<Record<string, Readonly<Record<string, SiteMetrics | null>>>>;
  /** Why cells are empty. */
  readonly problems: readonly CrossSiteProblem[];
}

function cellText(value: number | undefined): string {
  return value === undefined ? '' : String(Number(value.toPrecision(6)));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * Collects cross-site validation results: rows are model owners, columns are the sites that validated them.
 * Cells without an answer stay empty; the reasons are kept alongside. Renders as JSON and as markdown tables,
 * one per metric.
 */
export class CrossSiteMatrix {
  readonly #models: readonly string[];
  readonly #sites: readonly string[];
  readonly #cells = new Map<string, Map<string, SiteMetrics>>();
  readonly #metrics = new Set<string>();
  readonly #problems: CrossSiteProblem[] = [];

  constructor(init: { readonly models: readonly string[]; readonly sites: readonly string[] }) {
    this.#models = [...init.models];
    this.#sites = [...init.sites];
    for (const model of this.#models) this.#cells.set(model, new Map());
  }

  /** Records the metrics `site` reported for `model`'s model; throws HEARTH_ERR_WORKFLOW_INVALID_ARGS for an unknown row or column. */
  record(entry: { readonly model: string; readonly site: string; readonly metrics: SiteMetrics }): void {
    const row = this.#row(entry.model);
    if (!this.#sites.includes(entry.site)) {
      throw workflowError(WorkflowErrorCode.INVALID_ARGS, `cross-site matrix: ${JSON.stringify(entry.site)} is not a validating site`, { site: entry.site });
    }
    row.set(entry.site, { ...entry.metrics });
    for (const name of Object.keys(entry.metrics)) this.#metrics.add(name);
  }

  /** Records why a cell, or a whole row when `site` is absent, has no answer. */
  problem(entry: CrossSiteProblem): void {
    this.#row(entry.model);
    this.#problems.push({ ...entry });
  }

  /** The metrics `site` reported for `model`'s model, or undefined. */
  get(model: string, site: string): SiteMetrics | undefined {
    return this.#cells.get(model)?.get(site);
  }

  /** The whole matrix as plain JSON. */
  toJSON(): CrossSiteResults {
    const results: Record<string, Record<string, SiteMetrics | null>> = {};
    for (const model of this.#models) {
      const row: Record<string, SiteMetrics | null> = {};
      for (const site of this.#sites) row[site] = this.get(model, site) ?? null;
      results[model] = row;
    }
    return { models: [...this.#models], sites: [...this.#sites], metrics: [...this.#metrics], results, problems: [...this.#problems] };
  }

  /** Markdown: one table per metric (rows: model owner, columns: validating site), then the problems. */
  toMarkdown(): string {
    const lines = ['# Cross-site validation', '', 'Rows: the model owner. Columns: the site that validated it. An empty cell had no answer.', ''];
    if (this.#metrics.size === 0) lines.push('No site reported a metric.', '');
    for (const metric of this.#metrics) {
      lines.push(`## ${escapeCell(metric)}`, '');
      lines.push(`| model \\ site | ${this.#sites.map(escapeCell).join(' | ')} |`);
      lines.push(`| --- |${this.#sites.map(() => ' --- |').join('')}`);
      for (const model of this.#models) {
        const cells = this.#sites.map((site) => cellText(this.get(model, site)?.[metric]));
        lines.push(`| ${escapeCell(model)} | ${cells.join(' | ')} |`);
      }
      lines.push('');
    }
    if (this.#problems.length > 0) {
      lines.push('## Missing answers', '');
      for (const p of this.#problems) {
        const where = p.site === undefined ? `model ${p.model}` : `model ${p.model} at ${p.site}`;
        lines.push(`- ${escapeCell(where)}: ${p.task} ${escapeCell(p.reason)}`);
      }
      lines.push('');
    }
    return lines.join('\n');
  }

  #row(model: string): Map<string, SiteMetrics> {
    const row = this.#cells.get(model);
    if (row === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_ARGS, `cross-site matrix: ${JSON.stringify(model)} is not a model owner`, { model });
    }
    return row;
  }
}
