//! Writes the client progenitor generates from `generated-client/openapi.json`, formatted with
//! prettyplease, to the file given as the only argument. Used by `benches/compile_time.sh`.

fn main() {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: progenitor_gen OUT.rs");
        std::process::exit(2);
    };
    let code = apigen_benches::generation::progenitor_generate(
        &apigen_benches::generation::openapi_json(),
    );
    if let Err(e) = std::fs::write(&out, code) {
        eprintln!("cannot write {}: {e}", std::path::Path::new(&out).display());
        std::process::exit(1);
    }
}
