// Entry point of the browser suite: one Chromium for every page test.
import "./harness.mjs";
import "./data-page.mjs";
import "./quality-page.mjs";
import "./segments-page.mjs";
import "./select-page.mjs";
import "./cohorts-page.mjs";
import "./loyalty-reports-page.mjs";
import "./customer-page.mjs";
import "./predictions-page.mjs";
