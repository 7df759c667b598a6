// The sync benchmark's peer: a PouchDB server (express-pouchdb, in memory,
// which favours it) on loopback, and a page on the same origin that loads
// PouchDB's browser build, so the page's PouchDB keeps its documents in
// IndexedDB and replicates them to the server, as a phone would.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const PouchDB = require("pouchdb");
PouchDB.plugin(require("pouchdb-adapter-memory"));
const express = require("express");
const expressPouchDB = require("express-pouchdb");

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PouchDB peer</title>
<script src="/pouchdb.min.js"></script></head><body><p>PouchDB peer</p></body></html>`;

/** Starts the peer on a free loopback port; answers its address and a way to stop it. */
export async function startPouchServer() {
  const app = express();
  app.get("/peer.html", (_req, res) => res.type("html").send(PAGE));
  app.get("/pouchdb.min.js", (_req, res) => res.sendFile(require.resolve("pouchdb/dist/pouchdb.min.js")));
  app.use(
    "/db",
    expressPouchDB(PouchDB.defaults({ adapter: "memory" }), { mode: "minimumForPouchDB", inMemoryConfig: true }),
  );
  const listener = await new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
  return {
    url: `http://127.0.0.1:${listener.address().port}`,
    close: () => new Promise((resolve) => listener.close(resolve)),
  };
}
