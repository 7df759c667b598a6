// Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside
// each built asset a browser downloads (the WebAssembly bundle, its script,
// the stylesheet, the manifest and icons' text), so the server sends them
// compressed without compressing on each request: `leptos_axum` serves the
// copy the browser's Accept-Encoding asks for. Run by `build_release`.
//
// usage: node scripts/precompress.mjs <site root>
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const root = process.argv[2];
if (!root) {
  console.error("usage: node scripts/precompress.mjs <site root>");
  process.exit(2);
}
const worthIt = new Set([".wasm", ".js", ".css", ".json", ".webmanifest", ".svg", ".html"]);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (worthIt.has(extname(name))) yield path;
  }
}

for (const path of files(root)) {
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: extname(path) === ".wasm" ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gz);
  console.log(`${path.slice(root.length + 1)}: ${raw.length} bytes, ${br.length} brotli, ${gz.length} gzip`);
}
