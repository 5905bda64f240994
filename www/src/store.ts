// The page's one small store: what is loaded and what the views show.
import type { CustomerColumn, LoadReport, MonthlyRevenue, QualityReport, RfmReport } from "../../pkg/web/rapport.js";

export interface State {
  reports: LoadReport[];
  /** Files whose load was cancelled (by the name they would have been loaded under). */
  cancelled: string[];
  monthly: MonthlyRevenue | null;
  quality: QualityReport | null;
  /** The latest RFM scoring (its columns are in the customer table). */
  rfm: RfmReport | null;
  /** The customer table's columns. */
  columns: CustomerColumn[];
  busy: boolean;
  error: string | null;
  selectedReport: number | null;
}

type Listener = (s: State) => void;

const state: State = { reports: [], cancelled: [], monthly: null, quality: null, rfm: null, columns: [], busy: false, error: null, selectedReport: null };
const listeners: Listener[] = [];

export function getState(): Readonly<State> {
  return state;
}

export function update(patch: Partial<State>): void {
  Object.assign(state, patch);
  for (const l of listeners) l(state);
}

export function subscribe(l: Listener): void {
  listeners.push(l);
  l(state);
}
