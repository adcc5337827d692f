//! Compiles `proto/discord_api.proto` with protox (pure Rust, no system `protoc`) and generates
//! prost types plus tonic client and server stubs, and the encoded file descriptor set.

use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let proto_dir = manifest.join("../../proto");
    let proto_file = proto_dir.join("discord_api.proto");
    println!("cargo:rerun-if-changed={}", proto_file.display());

    let fds = protox::compile([&proto_file], [&proto_dir])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("discord_api_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Uploaded files stay `bytes::Bytes` from decoding to the multipart body (no copies of
        // up to 25 MiB).
        .bytes(".discord_api.File.data")
        .compile_fds(fds)?;
    Ok(())
}
