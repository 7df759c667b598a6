//! `/sw.js`: the service worker script, versioned from the built assets.
//! Its cache names carry a hash of every file under the site's `pkg/`
//! folder, so a new build is a new service worker, which replaces the old
//! caches when it takes over.

use std::path::Path;

use axum::http::header;
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};

const TEMPLATE: &str = include_str!("sw.js");

/// Files from `public/` the app shell needs offline, beside the bundle.
const SHELL_FILES: [&str; 4] = [
    "/manifest.webmanifest",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/sw-register.js",
];

/// The script for a site root. Every built file decides the version; the
/// shell's files and the main bundle are fetched and kept at install. The
/// chunks a split build made (the pages other than a worker's, see
/// `app::routes`) are kept only once a page has fetched one, so a worker's
/// phone never downloads another role's pages.
pub fn script_for(site_root: &Path, pkg_dir: &str) -> String {
    let mut assets: Vec<(String, Vec<u8>)> = Vec::new();
    let mut chunks = Vec::new();
    if let Ok(entries) = std::fs::read_dir(site_root.join(pkg_dir)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // The compressed copies are the same files on the wire; type
            // declarations are for editors, not browsers.
            if [".br", ".gz", ".ts"].iter().any(|end| name.ends_with(end)) {
                continue;
            }
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            if name.starts_with("__wasm_split_manifest") {
                chunks.extend(chunks_named_in(&bytes));
            }
            assets.push((format!("/{pkg_dir}/{name}"), bytes));
        }
    }
    for path in SHELL_FILES {
        if let Ok(bytes) = std::fs::read(site_root.join(path.trim_start_matches('/'))) {
            assets.push((path.to_owned(), bytes));
        }
    }
    assets.sort();
    let chunk_paths: Vec<String> = chunks
        .iter()
        .map(|chunk| format!("/{pkg_dir}/{chunk}.wasm"))
        .collect();
    script(&assets, &chunk_paths)
}

/// The chunk names a split build's manifest lists (for each lazy page, the
/// chunks it needs).
fn chunks_named_in(manifest: &[u8]) -> Vec<String> {
    let Ok(map) =
        serde_json::from_slice::<std::collections::HashMap<String, Vec<String>>>(manifest)
    else {
        return Vec::new();
    };
    let mut names: Vec<String> = map.into_values().flatten().collect();
    names.sort();
    names.dedup();
    names
}

/// Removes compressed copies (`.br`, `.gz`) that no longer hold the file
/// they sit beside (the file was replaced after the build compressed it):
/// browsers would otherwise be sent the old content under the file's name.
/// Each copy is unpacked and compared, so copying the site elsewhere (which
/// may change every file's time) never costs a good copy. Without a copy the
/// file is compressed as it is sent.
pub fn drop_stale_copies(site_root: &Path) {
    let mut folders = vec![site_root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if !copy_holds_its_file(&path) {
                tracing::warn!(
                    "removing {}: it does not hold the file it was compressed from",
                    path.display()
                );
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Whether `path`, if it is a compressed copy, unpacks to the file beside it
/// (anything that is not a copy holds).
fn copy_holds_its_file(path: &Path) -> bool {
    use std::io::Read;
    let Some(name) = path.to_str() else {
        return true;
    };
    let (original, brotli) = match (name.strip_suffix(".br"), name.strip_suffix(".gz")) {
        (Some(original), _) => (original, true),
        (_, Some(original)) => (original, false),
        _ => return true,
    };
    let (Ok(packed), Ok(expected)) = (std::fs::read(path), std::fs::read(original)) else {
        return false;
    };
    let mut unpacked = Vec::with_capacity(expected.len());
    let read = if brotli {
        brotli::Decompressor::new(&packed[..], 64 * 1024).read_to_end(&mut unpacked)
    } else {
        flate2::read::GzDecoder::new(&packed[..]).read_to_end(&mut unpacked)
    };
    read.is_ok() && unpacked == expected
}

/// The script for these assets (path, contents), of which those in
/// `on_demand` are not fetched at install.
pub fn script(assets: &[(String, Vec<u8>)], on_demand: &[String]) -> String {
    let mut hash = Sha256::new();
    for (path, bytes) in assets {
        hash.update(path.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let version = hex::encode(&hash.finalize()[..8]);
    let paths: Vec<&str> = assets
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| !on_demand.iter().any(|chunk| chunk == path))
        .collect();
    let list = serde_json::to_string(&paths).unwrap_or_else(|_| "[]".into());
    TEMPLATE
        .replace("__VERSION__", &version)
        .replace("__ASSETS__", &list)
}

/// Serves a prepared script. Never cached by the browser's HTTP cache, so
/// that the browser notices a new version on its next check.
pub fn response(script: String) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        script,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version_of(script: &str) -> &str {
        let start = script.find("const VERSION = \"").expect("version line") + 17;
        &script[start..start + 16]
    }

    #[test]
    fn the_version_follows_the_assets() {
        let one = script(&[("/pkg/app.wasm".into(), b"build one".to_vec())], &[]);
        let same = script(&[("/pkg/app.wasm".into(), b"build one".to_vec())], &[]);
        let two = script(&[("/pkg/app.wasm".into(), b"build two".to_vec())], &[]);
        assert_eq!(version_of(&one), version_of(&same));
        assert_ne!(version_of(&one), version_of(&two));
        assert!(
            one.contains(r#"const ASSETS = ["/pkg/app.wasm"];"#),
            "{one}"
        );
        assert!(!one.contains("__"), "every placeholder is filled");
    }

    #[test]
    fn a_pages_chunk_is_kept_when_fetched_not_at_install_yet_changes_the_version() {
        let manifest = br#"{"back_office_1": ["split_back_office_1.AbC", "chunk_0.XyZ"], "portal_2": ["chunk_0.XyZ"]}"#;
        assert_eq!(
            chunks_named_in(manifest),
            vec![
                "chunk_0.XyZ".to_owned(),
                "split_back_office_1.AbC".to_owned()
            ]
        );
        assert!(chunks_named_in(b"not json").is_empty());

        let build = |chunk: &[u8]| {
            script(
                &[
                    ("/pkg/app.wasm".into(), b"main".to_vec()),
                    ("/pkg/chunk_0.XyZ.wasm".into(), chunk.to_vec()),
                ],
                &["/pkg/chunk_0.XyZ.wasm".to_owned()],
            )
        };
        let one = build(b"chunk one");
        assert!(
            one.contains(r#"const ASSETS = ["/pkg/app.wasm"];"#),
            "{one}"
        );
        assert_ne!(version_of(&one), version_of(&build(b"chunk two")));
    }
}
