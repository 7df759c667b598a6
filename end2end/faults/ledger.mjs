// What the phones made, and the comparison with what the server stored.
//
// Every entry a phone makes is written down here with its trial, author and
// (for HTTP trials) id, at_ms and kind; a browser trial knows only the text
// it typed. After each trial and once more at the end, the coordinator's
// session log is compared with it:
// - lost: an entry made but not on the server (by id, or by text for the
//   browser's entries);
// - duplicated: an id stored more than once, the same text stored under a
//   second id, or an entry on the server that no phone made;
// - misattributed: stored with an author other than the one who made it;
// - altered: stored with another at_ms or kind (a harness failure too);
// - stored an undecodable item: an item built to be refused was kept.
// The check at the end is the one counted; the ones after each trial say
// early which trial went wrong.

/** JSON with object keys sorted, to compare kinds whatever their key order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function groupBy(list, keyOf) {
  const groups = new Map();
  for (const item of list) {
    const key = keyOf(item);
    if (key === undefined || key === null) continue;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}

const textOf = (entry) => (typeof entry.kind?.text === "string" ? entry.kind.text : undefined);

export class Ledger {
  constructor() {
    this.made = []; // { trial, id, text, author, atMs, kind, category }
    this.byId = new Map();
    this.byText = new Map();
    this.undecodable = new Map(); // id -> trial
    this.baseline = new Set(); // ids stored before the run began
    this.trials = new Map(); // trial -> { mode, faults }
    this.firstSeen = new Map(); // id of an entry no phone made -> trial it was first seen after
  }

  beginTrial(trial, mode, faults) {
    this.trials.set(trial, { mode, faults });
  }

  /** An HTTP phone's item, known by id. */
  madeItem(trial, item) {
    const entry = {
      trial,
      id: item.id,
      text: textOf(item.payload),
      author: item.author,
      atMs: item.payload.at_ms,
      kind: item.payload.kind,
    };
    this.made.push(entry);
    this.byId.set(entry.id, entry);
    if (entry.text !== undefined) this.byText.set(entry.text, entry);
  }

  /** An observation typed into the browser, known by its text. */
  typed(trial, text, category, author) {
    const entry = { trial, id: null, text, author, atMs: null, kind: null, category };
    this.made.push(entry);
    this.byText.set(text, entry);
  }

  madeUndecodable(trial, id) {
    this.undecodable.set(id, trial);
  }

  setBaseline(log) {
    for (const entry of log.entries) this.baseline.add(entry.id);
  }

  /**
   * Compares the log with the entries of one trial (`onlyTrial`), or with
   * every entry when it is null. Returns the problems, one per finding.
   */
  evaluate(log, onlyTrial = null) {
    const storedById = groupBy(log.entries, (e) => e.id);
    const storedByText = groupBy(log.entries, textOf);
    const explained = new Set();
    const problems = [];
    const scope = onlyTrial === null ? this.made : this.made.filter((m) => m.trial === onlyTrial);
    for (const made of scope) {
      const copies = made.id ? storedById.get(made.id) ?? [] : storedByText.get(made.text) ?? [];
      const twins = made.text === undefined ? [] : (storedByText.get(made.text) ?? []).filter((e) => !copies.includes(e));
      for (const entry of [...copies, ...twins]) explained.add(entry);
      const what = made.text ?? canonical(made.kind);
      const where = made.id ? `id ${made.id}` : "typed in Chromium";
      if (copies.length === 0) {
        problems.push({ type: "lost", trial: made.trial, count: 1, detail: `${where}: "${what}" is not on the server` });
      }
      const extra = Math.max(0, copies.length - 1) + twins.length;
      if (extra > 0) {
        const ids = [...copies, ...twins].map((e) => e.id).join(", ");
        problems.push({ type: "duplicated", trial: made.trial, count: extra, detail: `${where}: "${what}" stored ${extra + 1} times (${ids})` });
      }
      const strangers = copies.filter((e) => e.author !== made.author);
      if (strangers.length > 0) {
        problems.push({
          type: "misattributed",
          trial: made.trial,
          count: 1,
          detail: `${where}: made by user ${made.author}, stored as user ${strangers.map((e) => e.author).join(", ")}`,
        });
      }
      for (const entry of copies) {
        const kindDiffers = made.kind
          ? canonical(entry.kind) !== canonical(made.kind)
          : entry.kind?.type !== "observation" || entry.kind?.category !== made.category;
        const timeDiffers = made.atMs !== null && entry.at_ms !== made.atMs;
        if (kindDiffers || timeDiffers) {
          problems.push({
            type: "altered",
            trial: made.trial,
            count: 1,
            detail: `${where}: made as ${made.atMs ?? "-"} ${canonical(made.kind ?? { category: made.category })}, stored as ${entry.at_ms} ${canonical(entry.kind)}`,
          });
        }
      }
    }
    // Entries nobody made (in this trial's scope: those not made in any trial).
    for (const entry of log.entries) {
      if (explained.has(entry) || this.baseline.has(entry.id)) continue;
      if (onlyTrial !== null && (this.byId.has(entry.id) || this.byText.has(textOf(entry)))) continue;
      if (onlyTrial !== null && this.firstSeen.has(entry.id)) continue;
      if (!this.firstSeen.has(entry.id)) this.firstSeen.set(entry.id, onlyTrial ?? "end");
      const trial = this.firstSeen.get(entry.id);
      if (this.undecodable.has(entry.id)) {
        problems.push({ type: "stored_undecodable", trial: this.undecodable.get(entry.id), count: 1, detail: `id ${entry.id}: an undecodable item was stored as ${canonical(entry.kind)}` });
      } else {
        problems.push({ type: "duplicated", trial, count: 1, detail: `id ${entry.id}: on the server but made by no phone (${canonical(entry.kind)}, author ${entry.author})` });
      }
    }
    return problems;
  }
}

/** Adds up problems by type. */
export function tally(problems) {
  const counts = { lost: 0, duplicated: 0, misattributed: 0, altered: 0, stored_undecodable: 0 };
  for (const problem of problems) counts[problem.type] += problem.count;
  return counts;
}
