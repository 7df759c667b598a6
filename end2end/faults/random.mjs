// Seeded randomness for the fault harness, so that a run's choices (which
// faults, how many entries, which kinds) can be replayed with FAULTS_SEED.
// Entry ids come from crypto instead: they only need to be unique.
import { randomBytes } from "node:crypto";

/** A small seeded generator (mulberry32) with the helpers the trials use. */
export function seeded(seed) {
  let state = seed >>> 0;
  const float = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(float() * (hi - lo + 1));
  return {
    float,
    /** An integer in [lo, hi], both included. */
    int,
    chance: (p) => float() < p,
    pick: (list) => list[int(0, list.length - 1)],
    /** A shuffled copy. */
    shuffle(list) {
      const copy = [...list];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
  };
}

/** A UUID version 7: 48 bits of milliseconds, then random bits. */
export function uuidv7(ms) {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Math.max(0, Math.floor(ms)), 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
