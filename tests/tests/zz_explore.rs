#[test]
fn explore() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid");
    let mut names: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let mut out = String::new();
    for n in names {
        let r = apigen::load_api(&root.join(&n));
        out.push_str(&format!("################ {n}\n"));
        match r {
            Ok(_) => out.push_str("OK!!!\n"),
            Err(e) => out.push_str(&e),
        }
    }
    for p in ["fixtures/invalid/missing_folder", "fixtures/invalid/no_yaml_files"] {
        out.push_str(&format!("################ {p}\n"));
        match apigen::load_api(std::path::Path::new(p)) { Ok(_) => out.push_str("OK!!!\n"), Err(e) => out.push_str(&e) }
    }
    std::fs::write("/tmp/gen/explore.txt", out).unwrap();
}
