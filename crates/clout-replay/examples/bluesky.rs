//! Serves the Bluesky fixtures on a local port until killed, to try the connector without
//! the network: `cargo run -p clout-replay --example bluesky`, then
//! `clout fetch bluesky fern-bakes.test --api-base URL` with the URL it prints.

fn main() {
    let world = clout_replay::bluesky::with_follower_accounts(clout_replay::bluesky::World::fixtures());
    let server = clout_replay::bluesky::start(world);
    println!("{}", server.base);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
