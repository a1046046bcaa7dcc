//! Saves frames of the built-in demo camera as JPGs, to look at them or to replay them with
//! `idcap --source DIR`: `cargo run --example demo_frames -- OUT_DIR [SECONDS…]`.

use std::path::PathBuf;

use idcap::camera::demo::DemoCamera;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "demo-frames".into()));
    let mut times: Vec<f64> = args.filter_map(|a| a.parse().ok()).collect();
    if times.is_empty() {
        times = (0..40).map(|i| f64::from(i) * 0.5).collect();
    }
    std::fs::create_dir_all(&out)?;
    let cam = DemoCamera::new(30.0, false);
    for t in times {
        let path = out.join(format!("demo-{t:05.2}.jpg"));
        cam.frame_at(t).save(&path)?;
        println!("{}", path.display());
    }
    Ok(())
}
