//! The layout rules of DESIGN.md §3, checked on the source text: no import cycles between the
//! server's and the emulator's modules (top-level modules, and the server's `discord/`
//! submodules), and `tonic::Status` built only in the server's `status.rs`.
//!
//! Module references are read from `crate::…` and `super::…` paths (in `use` trees and in
//! expressions) outside `#[cfg(test)]` code; a file `a/b.rs` or `a/b/mod.rs` is module `a::b`.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The module path of a file: `discord/rest.rs` → `[discord, rest]`, `rpc/mod.rs` → `[rpc]`,
/// `lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// The text without line comments and without `#[cfg(test)]` items (a test module or function
/// may reach anywhere).
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<i32> = None;
    let mut pending_test = false;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(depth) = skip_depth.as_mut() {
            *depth += brace_balance(code);
            if *depth <= 0 && code.contains('}') {
                skip_depth = None;
            }
            continue;
        }
        if code.trim_start().starts_with("#[cfg(test)]") {
            pending_test = true;
            continue;
        }
        if pending_test {
            let balance = brace_balance(code);
            if code.contains('{') && balance > 0 {
                skip_depth = Some(balance);
            }
            if code.contains(';') || code.contains('{') {
                pending_test = false;
            }
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn brace_balance(code: &str) -> i32 {
    code.chars()
        .map(|c| match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        })
        .sum()
}

/// Paths named by a use tree or path starting at `text` (just after `crate::`/`super::`):
/// `a::{b, c::d}, …` → `a::b`, `a::c::d`.
fn paths_at(text: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut position = 0;
    let mut out = Vec::new();
    tree(&chars, &mut position, &mut Vec::new(), &mut out);
    out
}

fn ident(chars: &[char], position: &mut usize) -> String {
    let start = *position;
    while *position < chars.len() && (chars[*position].is_alphanumeric() || chars[*position] == '_')
    {
        *position += 1;
    }
    chars[start..*position].iter().collect()
}

fn skip_space(chars: &[char], position: &mut usize) {
    while *position < chars.len() && chars[*position].is_whitespace() {
        *position += 1;
    }
}

fn tree(
    chars: &[char],
    position: &mut usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
) {
    skip_space(chars, position);
    if chars.get(*position) == Some(&'{') {
        *position += 1;
        loop {
            skip_space(chars, position);
            match chars.get(*position) {
                Some('}') => {
                    *position += 1;
                    return;
                }
                Some(',') => *position += 1,
                None => return,
                _ => {
                    let before = *position;
                    let mut inner = prefix.clone();
                    tree(chars, position, &mut inner, out);
                    if *position == before {
                        *position += 1;
                    }
                }
            }
        }
    }
    let name = ident(chars, position);
    if name.is_empty() {
        if !prefix.is_empty() {
            out.push(prefix.clone());
        }
        return;
    }
    prefix.push(name);
    if chars.get(*position) == Some(&':') && chars.get(*position + 1) == Some(&':') {
        *position += 2;
        tree(chars, position, prefix, out);
    } else {
        out.push(prefix.clone());
    }
}

/// Module paths a file refers to, resolved to absolute paths within the crate.
fn references(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (keyword, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            // `super` of `a::b` (file a/b.rs) is `a`; of `a` (file a/mod.rs) it is the root.
            let mut parent = module.to_vec();
            parent.pop();
            parent
        }),
    ] {
        let mut rest = code;
        while let Some(index) = rest.find(keyword) {
            let before = rest[..index].chars().last();
            let after = &rest[index + keyword.len()..];
            rest = after;
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in paths_at(after) {
                let mut absolute = base.clone();
                absolute.extend(path);
                found.push(absolute);
            }
        }
    }
    found
}

/// Edges between nodes: a node is a top-level module, or `discord::<sub>` for files under a
/// module listed in `deeper`.
fn module_graph(src: &Path, deeper: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let node = |path: &[String]| -> Option<String> {
        let first = path.first()?;
        if deeper.contains(&first.as_str()) && path.len() > 1 {
            Some(format!("{first}::{}", path[1]))
        } else {
            Some(first.clone())
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(src) {
        let module = module_of(src, &file);
        let Some(from) = node(&module) else { continue };
        let code = production_code(&std::fs::read_to_string(&file).unwrap());
        for target in references(&module, &code) {
            let Some(to) = node(&target) else { continue };
            // A reference to `discord` itself (its mod.rs re-exports) from inside is not an edge.
            if to != from && !from.starts_with(&format!("{to}::")) {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
        graph.entry(from).or_default();
    }
    graph
}

/// One cycle, if the graph has any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, graph, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

fn describe(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(from, to)| {
            format!(
                "  {from} → {}",
                to.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_server_has_no_import_cycles() {
    // Top-level modules, then the submodules of `discord` among themselves.
    let top = module_graph(&crate_src("discordproxy-server"), &[]);
    if let Some(cycle) = find_cycle(&top) {
        panic!("import cycle {}\n{}", cycle.join(" → "), describe(&top));
    }
    let deep = module_graph(&crate_src("discordproxy-server"), &["discord"]);
    let discord: BTreeMap<String, BTreeSet<String>> = deep
        .into_iter()
        .filter(|(from, _)| from.starts_with("discord::"))
        .map(|(from, to)| {
            let to = to
                .into_iter()
                .filter(|t| t.starts_with("discord::"))
                .collect();
            (from, to)
        })
        .collect();
    if let Some(cycle) = find_cycle(&discord) {
        panic!("import cycle {}\n{}", cycle.join(" → "), describe(&discord));
    }
}

#[test]
fn the_emulator_has_no_import_cycles() {
    let graph = module_graph(&crate_src("discord-emulator"), &[]);
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle {}\n{}", cycle.join(" → "), describe(&graph));
    }
}

#[test]
fn nothing_below_the_configuration_imports_it() {
    let graph = module_graph(&crate_src("discordproxy-server"), &[]);
    let importers: Vec<&String> = graph
        .iter()
        .filter(|(_, to)| to.contains("config"))
        .map(|(from, _)| from)
        .collect();
    // Only the top (the `serve` entry point) may read the configuration; main.rs and lib.rs are
    // the crate root and not in the graph.
    assert!(
        importers.iter().all(|from| from.as_str() == "serve"),
        "modules importing config: {importers:?}"
    );
}

#[test]
fn tonic_status_is_built_only_in_status_rs() {
    const CONSTRUCTORS: &[&str] = &[
        "new",
        "ok",
        "cancelled",
        "unknown",
        "invalid_argument",
        "deadline_exceeded",
        "not_found",
        "already_exists",
        "permission_denied",
        "resource_exhausted",
        "failed_precondition",
        "aborted",
        "out_of_range",
        "unimplemented",
        "internal",
        "unavailable",
        "data_loss",
        "unauthenticated",
    ];
    let src = crate_src("discordproxy-server");
    let mut offenders = Vec::new();
    for file in rust_files(&src) {
        if file.file_name().is_some_and(|name| name == "status.rs") {
            continue;
        }
        let code = production_code(&std::fs::read_to_string(&file).unwrap());
        for (line_number, line) in code.lines().enumerate() {
            let mut rest = line;
            while let Some(index) = rest.find("Status::") {
                let before = rest[..index].chars().last();
                let after = &rest[index + "Status::".len()..];
                rest = after;
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue; // ServingStatus::…, PresenceStatus::…
                }
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let call = after[name.len()..].starts_with('(');
                if call && (CONSTRUCTORS.contains(&name.as_str()) || name.starts_with("with_")) {
                    offenders.push(format!(
                        "{}: Status::{name}( (production line {})",
                        file.strip_prefix(&src).unwrap().display(),
                        line_number + 1
                    ));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "tonic::Status built outside status.rs:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_check() {
    // The scanner itself: use trees, super paths, test code and comments.
    let code = production_code(
        "use crate::{a::B, c::{d, e::F}};\n// crate::commented::Out\nfn f() { super::g::h(); }\n#[cfg(test)]\nmod tests {\n    use crate::tested::X;\n}\n",
    );
    let found = references(&["m".into(), "n".into()], &code);
    let names: BTreeSet<String> = found.iter().map(|path| path.join("::")).collect();
    assert_eq!(
        names,
        ["a::B", "c::d", "c::e::F", "m::g::h"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    let mut graph = BTreeMap::new();
    graph.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    graph.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
    graph.insert("b".to_owned(), BTreeSet::new());
    assert_eq!(find_cycle(&graph), None);
}
