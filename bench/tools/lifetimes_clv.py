"""Times lifetimes (the Python reference) on the bench's orders file for task `clv_fit`:
summary (lifetimes' conventions, days), BetaGeoFitter + GammaGammaFitter fit, and scoring
(P(alive), expected purchases in 90 days, 12-month CLV at 1 % a month).

usage: python3 bench/tools/lifetimes_clv.py [bench/data/1m/orders.csv]
   or: python3 bench/tools/lifetimes_clv.py bench/data/clv-1m.csv   (customer summaries, weeks:
       the clv_fit task's own data, written by `node bench/tools/clv-data.mjs --out …`)
(pip install --user lifetimes; the file is what bench/run.mjs generates with the rapport CLI)
Prints one JSON line with the seconds of each step and the fitted parameters, to set
beside `rapport clv --orders FILE --out /tmp/clv.csv` (native, release).
"""
import json
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

path = sys.argv[1] if len(sys.argv) > 1 else "bench/data/1m/orders.csv"
t0 = time.perf_counter()
with open(path) as f:
    summary_file = f.readline().startswith("frequency,")
if summary_file:
    s = pd.read_csv(path)
    t1 = t2 = time.perf_counter()
    freq = "W"
else:
    freq = "D"
    usecols = lambda c: c in {"customer_id", "order_date", "amount", "status"}
    orders = pd.read_csv(path, usecols=usecols, dtype={"customer_id": str}, parse_dates=["order_date"])
    if "status" in orders:
            st = orders["status"].fillna("").str.strip().str.lower()
            orders = orders[~st.isin(["cancelled", "canceled", "void", "return", "returned", "refund", "refunded"])]
    orders = orders[orders["amount"] >= 0]
    t1 = time.perf_counter()
    end = orders["order_date"].max()
    s = summary_data_from_transaction_data(orders, "customer_id", "order_date", monetary_value_col="amount",
                                                                                  observation_period_end=end, freq="D")
    t2 = time.perf_counter()
bg = BetaGeoFitter(penalizer_coef=0.0).fit(s["frequency"], s["recency"], s["T"])
rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
gg = GammaGammaFitter(penalizer_coef=0.0).fit(rep["frequency"], rep["monetary_value"])
t3 = time.perf_counter()
p_alive = bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
e90 = bg.conditional_expected_number_of_purchases_up_to_time(90 if freq == "D" else 90 / 7, s["frequency"], s["recency"], s["T"])
clv = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                 time=12, discount_rate=0.01, freq=freq)
t4 = time.perf_counter()
print(json.dumps({
    "task": "clv_fit", "engine": "lifetimes", "file": path, "customers": int(len(s)),
    "seconds": {"read": t1 - t0, "summary": t2 - t1, "fit": t3 - t2, "score": t4 - t3, "total": t4 - t0},
    "bgnbd": {k: float(v) for k, v in bg.params_.items()},
    "gamma_gamma": {k: float(v) for k, v in gg.params_.items()},
    "sums": {"p_alive": float(p_alive.sum()), "expected_90d": float(e90.sum()), "clv_12m": float(clv.sum())},
}))
