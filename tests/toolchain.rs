//! The toolchain the README, `Cargo.toml` and the Dockerfile promise is the one the locked
//! dependencies need: the highest `rust-version` among the crates in `Cargo.lock` (read
//! from their manifests, as `cargo metadata` reports them).

use std::process::Command;

fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(major, minor)` of a version such as `1.91` or `1.91.0`.
fn minor_version(text: &str) -> (u32, u32) {
    let mut parts = text
        .trim()
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[test]
fn the_promised_toolchain_is_the_one_the_locked_crates_need() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    let mut needed = ((0, 0), String::new());
    let mut promised = None;
    for package in metadata["packages"].as_array().unwrap() {
        let Some(version) = package["rust_version"].as_str() else {
            continue;
        };
        let id = package["id"].as_str().unwrap_or_default();
        if members.contains(&id) {
            promised = Some(minor_version(version));
            continue;
        }
        let v = minor_version(version);
        if v > needed.0 {
            needed = (v, format!("{} {}", package["name"], package["version"]));
        }
    }
    let promised = promised.expect("the workspace declares rust-version");
    assert_eq!(
        promised, needed.0,
        "Cargo.toml's rust-version is {promised:?}; the locked crates need {:?} ({})",
        needed.0, needed.1
    );
    let (major, minor) = promised;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("Rust toolchain, {major}.{minor} or later")),
        "README.md names another toolchain than {major}.{minor}"
    );
    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains(&format!("FROM rust:{major}.{minor}-bookworm")),
        "the Dockerfile builds with another toolchain than {major}.{minor}"
    );
}
