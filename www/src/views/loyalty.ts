// The loyalty scheme: rules (kept in this browser), points and tiers, the value
// of each tier, and tier movement between two dates.
import type { LoyaltyMovement, LoyaltyMovementOptions, LoyaltyReport, LoyaltyRules, LoyaltyTierRule } from "../../../pkg/web/rapport.js";
import { tierValue } from "../charts.js";
import { byId, cell, row } from "../dom.js";
import { subscribe, update } from "../store.js";

export interface LoyaltyActions {
  loyalty(rules: LoyaltyRules): Promise<LoyaltyReport>;
  movement(options: LoyaltyMovementOptions): Promise<LoyaltyMovement>;
  columnsChanged(): Promise<void>;
}

const RULES_KEY = "rapport.loyaltyRules";
const money = (x: number | null) => (x === null ? "—" : x.toLocaleString(undefined, { maximumFractionDigits: 0 }));

/** "Gold >= 2000, Silver top 10%" → tier rules (best first). */
export function parseTiers(text: string): LoyaltyTierRule[] {
  return text.split(",").map((t) => t.trim()).filter(Boolean).map((t) => {
    const points = /^(.+?)\s*>=\s*([\d.]+)$/.exec(t);
    if (points) return { name: points[1]!.trim(), minPoints: Number(points[2]) };
    const share = /^(.+?)\s+top\s+([\d.]+)\s*%$/i.exec(t);
    if (share) return { name: share[1]!.trim(), topShare: Number(share[2]) / 100 };
    const count = /^(.+?)\s+top\s+(\d+)$/i.exec(t);
    if (count) return { name: count[1]!.trim(), topCount: Number(count[2]) };
    throw new Error(`tier “${t}”: write “Name >= points”, “Name top 10%” or “Name top 100” (every tier the same kind)`);
  });
}

function tiersText(tiers: LoyaltyTierRule[]): string {
  return tiers.map((t) => (t.minPoints !== undefined ? `${t.name} >= ${t.minPoints}` : t.topShare !== undefined
    ? `${t.name} top ${t.topShare * 100}%` : `${t.name} top ${t.topCount}`)).join(", ");
}

function readRules(): LoyaltyRules {
  const multipliers: Record<string, number> = {};
  for (const part of byId<HTMLInputElement>("loyalty-multipliers").value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [k, v] = part.split("=").map((x) => x.trim());
    if (!k || v === undefined || !Number.isFinite(Number(v))) throw new Error(`multiplier “${part}”: write “category=2”`);
    multipliers[k] = Number(v);
  }
  return {
    basis: byId<HTMLSelectElement>("loyalty-basis").value as "revenue" | "profit",
    pointsPerUnit: Number(byId<HTMLInputElement>("loyalty-per-unit").value),
    categoryMultipliers: multipliers,
    signupBonus: Number(byId<HTMLInputElement>("loyalty-signup").value),
    birthdayBonus: Number(byId<HTMLInputElement>("loyalty-birthday").value),
    expiryMonths: Number(byId<HTMLInputElement>("loyalty-expiry").value) || undefined,
    tiers: parseTiers(byId<HTMLInputElement>("loyalty-tiers").value),
  };
}

function showRules(r: LoyaltyRules): void {
  if (r.basis) byId<HTMLSelectElement>("loyalty-basis").value = r.basis;
  if (r.pointsPerUnit !== undefined) byId<HTMLInputElement>("loyalty-per-unit").value = String(r.pointsPerUnit);
  byId<HTMLInputElement>("loyalty-multipliers").value = Object.entries(r.categoryMultipliers ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
  byId<HTMLInputElement>("loyalty-signup").value = String(r.signupBonus ?? 0);
  byId<HTMLInputElement>("loyalty-birthday").value = String(r.birthdayBonus ?? 0);
  byId<HTMLInputElement>("loyalty-expiry").value = String(r.expiryMonths ?? 0);
  if (r.tiers?.length) byId<HTMLInputElement>("loyalty-tiers").value = tiersText(r.tiers);
}

export function mountLoyalty(actions: LoyaltyActions): void {
  try {
    const saved = localStorage.getItem(RULES_KEY);
    if (saved) showRules(JSON.parse(saved) as LoyaltyRules);
  } catch {
    // Unreadable saved rules: the form's defaults stand.
  }
  let rules: LoyaltyRules | null = null;

  async function apply(): Promise<void> {
    try {
      rules = readRules();
      const r = await actions.loyalty(rules);
      localStorage.setItem(RULES_KEY, JSON.stringify(rules));
      byId("loyalty-summary").textContent = `${r.members.toLocaleString()} members on ${r.asOf}: ${money(r.pointsOutstanding)} points outstanding` +
        (r.pointsExpired ? `, ${money(r.pointsExpired)} expired` : "") + ".";
      byId("loyalty-table").querySelector("tbody")?.replaceChildren(...r.tiers.map((t) =>
        row(cell(t.tier), cell(t.customers, "num"), cell(money(t.points), "num"), cell(money(t.revenue), "num"), cell(money(t.profit), "num"),
          cell(t.revenueShare === null ? "—" : `${(t.revenueShare * 100).toFixed(1)} %`, "num"))));
      const chart = byId("loyalty-chart");
      chart.replaceChildren(tierValue(r, chart.clientWidth - 20));
      if (!byId<HTMLInputElement>("loyalty-from").value) {
        const d = new Date(r.asOf + "T00:00:00Z");
        d.setUTCFullYear(d.getUTCFullYear() - 1);
        byId<HTMLInputElement>("loyalty-from").value = d.toISOString().slice(0, 10);
      }
      await actions.columnsChanged();
      update({ error: null });
    } catch (e) {
      update({ error: `Loyalty: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  byId<HTMLFormElement>("loyalty-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void apply();
  });
  byId<HTMLFormElement>("loyalty-movement-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const m = await actions.movement({ from: byId<HTMLInputElement>("loyalty-from").value, rules: rules ?? readRules() });
      byId("loyalty-movement-summary").textContent =
        `From ${m.fromDate} to ${m.toDate}: ${m.upgraded.toLocaleString()} moved up, ${m.downgraded.toLocaleString()} moved down, ${m.unchanged.toLocaleString()} stayed.`;
      const table = byId<HTMLTableElement>("loyalty-movement");
      const head = row(cell(`${m.fromDate} ↓ / ${m.toDate} →`), ...m.tiers.map((t) => cell(t, "num")));
      table.replaceChildren(head, ...m.counts.map((r, i) => row(cell(m.tiers[i] ?? ""), ...r.map((n) => cell(n, "num")))));
    } catch (e) {
      update({ error: `Tier movement: ${e instanceof Error ? e.message : String(e)}` });
    }
  });

  let shownFor: unknown = null;
  subscribe((s) => {
    byId("loyalty").hidden = !s.rfm;
    if (!s.rfm || s.rfm === shownFor) return;
    shownFor = s.rfm;
    void apply();
  });
}
