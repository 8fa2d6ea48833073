/* Annual data entry: computes the indicators live as values are typed, and asks for an explanation of
 * large changes. Reads the indicator formulas from the json_script element "report-live-data".
 * Parsing mirrors indicators/parsing.py (full-width digits, thousands separators, 是/否/Y/N/1/0);
 * the server remains the judge: this is only a preview. */
(function () {
  "use strict";
  const dataElement = document.getElementById("report-live-data");
  const form = document.getElementById("report-entry-form");
  if (!dataElement || !form) {
    return;
  }
  const data = JSON.parse(dataElement.textContent);
  const labels = data.labels;
  const YES = ["是", "有", "y", "yes", "true", "1", "1.0", "√", "✓", "t"];
  const NO = ["否", "无", "n", "no", "false", "0", "0.0", "×", "✗", "f"];

  function normalise(text) {
    return text.normalize("NFKC").replace(/[\s,]/g, "");
  }

  /* A typed value as a number, null when empty, NaN when it cannot be read. */
  function parse(code, text) {
    if (text === undefined || text === null || text.normalize("NFKC").trim() === "") {
      return null;
    }
    const clean = normalise(text).toLowerCase();
    if (data.types[code] === "boolean") {
      if (YES.indexOf(clean) >= 0) return 1;
      if (NO.indexOf(clean) >= 0) return 0;
      return NaN;
    }
    const number = clean.endsWith("%") ? clean.slice(0, -1) : clean;
    if (!/^\+?\d+(\.\d+)?$/.test(number)) {
      return NaN;
    }
    return parseFloat(number);
  }

  /* Whether a parsed value fails the field's own check (unreadable, or a fraction where a whole number is due). */
  function invalid(code, value) {
    return Number.isNaN(value) || (data.types[code] === "integer" && value !== null && value !== undefined && !Number.isInteger(value));
  }

  /* An indicator whose inputs fail their checks has no verdict: the panel says so instead of 达标. */
  function hasInvalidInput(indicator, values) {
    return indicator.numerator.concat(indicator.denominator).some(function (code) {
      return invalid(code, values[code]);
    });
  }

  function currentValues() {
    const values = {};
    form.querySelectorAll("input[data-code], select[data-code]").forEach(function (input) {
      values[input.dataset.code] = parse(input.dataset.code, input.value);
    });
    Object.keys(data.derived).forEach(function (code) {
      values[code] = parseFloat(data.derived[code]);
    });
    return values;
  }

  function previousValues() {
    const values = {};
    Object.keys(data.previous).forEach(function (code) {
      values[code] = parseFloat(data.previous[code]);
    });
    return values;
  }

  /* factor × Σ numerator / Σ denominator; null when a value is missing or the denominator is 0. */
  function compute(indicator, values) {
    let numerator = 0;
    for (const code of indicator.numerator) {
      const v = values[code];
      if (v === null || v === undefined || Number.isNaN(v)) return null;
      numerator += v;
    }
    let result = numerator;
    if (indicator.denominator.length) {
      let denominator = 0;
      for (const code of indicator.denominator) {
        const v = values[code];
        if (v === null || v === undefined || Number.isNaN(v)) return null;
        denominator += v;
      }
      if (denominator === 0) return null;
      result = numerator / denominator;
    }
    return result * parseFloat(indicator.factor);
  }

  function fmt(value) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    return value.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  function judge(indicator, value, previous) {
    const target = indicator.target === null ? null : parseFloat(indicator.target);
    switch (indicator.rule) {
      case "monitor":
        return ["not_applicable", labels.monitor];
      case "true":
        return [value === null ? "missing" : value === 1 ? "met" : "not_met", labels["true"]];
      case "increase": {
        const text = labels.increase + (previous === null ? "" : "（" + labels.last_year + " " + fmt(previous) + "）");
        if (value === null || previous === null) return ["missing", text];
        return [value > previous ? "met" : "not_met", text];
      }
      case "cumulative_min": {
        const before = indicator.numerator.reduce(function (sum, code) {
          return sum + parseFloat(data.cumulative_before[code] || "0");
        }, 0);
        const text = labels.cumulative + " " + fmt((value || 0) + before) + " / " + fmt(target);
        if (value === null) return ["missing", text];
        return [value + before >= target ? "met" : "in_progress", text];
      }
      default:
        if (value === null) return ["missing", "≥ " + fmt(target)];
        return [value >= target ? "met" : "not_met", "≥ " + fmt(target)];
    }
  }

  function refreshIndicators() {
    const values = currentValues();
    const previous = previousValues();
    data.indicators.forEach(function (indicator) {
      const row = document.querySelector('tr[data-indicator="' + indicator.code + '"]');
      if (!row) return;
      const value = compute(indicator, values);
      const before = compute(indicator, previous);
      let verdict = judge(indicator, value, before);
      if (hasInvalidInput(indicator, values)) verdict = ["invalid", verdict[1]];
      row.querySelector('[data-role="value"]').textContent = fmt(value);
      row.querySelector('[data-role="target"]').textContent = verdict[1];
      const status = row.querySelector('[data-role="status"]');
      status.textContent = verdict[0] === "invalid" ? labels.invalid_input : labels[verdict[0]];
      status.className = "small status-" + verdict[0];
    });
  }

  function checkField(input) {
    const code = input.dataset.code;
    const value = parse(code, input.value);
    const warning = form.querySelector('[data-warning-for="' + code + '"]');
    const box = form.querySelector('[data-comment-box="' + code + '"]');
    const before = data.previous[code] === undefined ? null : parseFloat(data.previous[code]);
    let message = "";
    if (invalid(code, value)) {
      message = labels.invalid;
    } else if (data.types[code] !== "boolean" && value !== null && before && Math.abs(value - before) / before > 0.5) {
      message = labels.big_change.replace("%(before)s", fmt(before)).replace("%%", "%");
      if (box) box.classList.remove("d-none");
    }
    if (warning) {
      warning.textContent = message;
      warning.classList.toggle("d-none", !message);
    }
  }

  form.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.code) {
      checkField(event.target);
      refreshIndicators();
    }
  });
  refreshIndicators();
})();
