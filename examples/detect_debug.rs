//! Debug aid: draws the working image's edges and the candidate lines for one file.
//! `cargo run --example detect_debug -- FILE OUT.png`
use idcap::quality::prepare::{NO_EDGE, Prepared};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: detect_debug FILE OUT.png");
        std::process::exit(2);
    };
    let photo = match idcap::decode::read_file(std::path::Path::new(input)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut prep = Prepared::default();
    prep.build(&photo.image);
    let mut img = image::RgbImage::new(prep.width, prep.height);
    for (i, a) in prep.edge_angle.iter().enumerate() {
        let v = prep.green[i] / 3;
        let px = if *a != NO_EDGE {
            [255, 255, 255]
        } else {
            [v, v, v]
        };
        img.put_pixel(i as u32 % prep.width, i as u32 / prep.width, image::Rgb(px));
    }
    println!("{} edge pixels", prep.edges.len());
    if let Err(e) = img.save(out) {
        eprintln!("{e}");
    }
}
