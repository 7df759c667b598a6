//! Starts the contact centre server. Everything it does lives in the library
//! (`server::startup`), where the tests can reach it.

use clap::Parser;

#[tokio::main]
async fn main() -> Result<(), server::startup::StartError> {
    server::startup::run(server::config::Config::parse()).await
}
