//! A structural pre-check of a PNG's chunks, run before the `png` decoder sees the file.
//!
//! Decides which chunk layouts are refused up front because the decoder would panic on them rather
//! than return an error: a palette (PLTE) whose length is not a whole number of RGB entries, or that
//! has more than 256 entries (`png` 0.18.1 indexes past its palette table; upstream image-png issue
//! #694). Everything else (bad checksums, truncation, unknown chunks) is left to the decoder, which
//! reports it as an error. Pure: bytes in, verdict out.

/// Bytes of the PNG signature.
const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Most palette entries a PNG may have (one per 8-bit index).
const MAX_PALETTE_ENTRIES: usize = 256;

/// Why a PNG's chunk layout was refused; shown to people after "the image is damaged".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChunkProblem {
    /// The PLTE chunk is `len` bytes: not a multiple of 3, empty, or over 256 entries.
    BadPalette { len: usize },
}

impl std::fmt::Display for ChunkProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChunkProblem::BadPalette { len } => write!(
                f,
                "its colour palette is {len} bytes long, which is not a whole number of colours \
                 (3 bytes each, at most 256)"
            ),
        }
    }
}

/// Walks the chunks of `bytes` (a PNG, signature included) up to IEND or the end of the data and
/// returns the first layout the decoder cannot be trusted with. A file that is not a PNG, or whose
/// chunk list is cut short, passes: the decoder reports those itself.
pub(crate) fn check(bytes: &[u8]) -> Result<(), ChunkProblem> {
    let Some(mut rest) = bytes.strip_prefix(SIGNATURE.as_slice()) else {
        return Ok(());
    };
    // Each chunk: length (4 bytes, big-endian), type (4), data (length), CRC (4).
    while let Some((header, after)) = rest.split_first_chunk::<8>() {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        if kind == b"PLTE" && (len == 0 || !len.is_multiple_of(3) || len / 3 > MAX_PALETTE_ENTRIES)
        {
            return Err(ChunkProblem::BadPalette { len });
        }
        if kind == b"IEND" {
            break;
        }
        let Some(next) = after.get(len.saturating_add(4)..) else {
            break;
        };
        rest = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One chunk: length, type, data, CRC.
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
        out
    }

    /// A 1 × 1 8-bit palette PNG with a `palette_len`-byte PLTE and one black pixel (index 0).
    fn palette_png(palette_len: usize) -> Vec<u8> {
        let mut png = SIGNATURE.to_vec();
        let ihdr = [0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0];
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"PLTE", &vec![0u8; palette_len]));
        // zlib (deflate) of the one scanline: filter byte 0, index 0.
        let idat = [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01];
        png.extend(chunk(b"IDAT", &idat));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn the_reported_83_byte_file_is_refused_before_decoding() {
        let png = palette_png(4);
        assert_eq!(png.len(), 83, "the size reported in issue 16");
        assert_eq!(check(&png), Err(ChunkProblem::BadPalette { len: 4 }));
        let text = ChunkProblem::BadPalette { len: 4 }.to_string();
        assert!(text.contains("4 bytes"), "{text}");
    }

    #[test]
    fn palettes_of_whole_entries_pass_and_others_are_refused() {
        for len in 0..=800 {
            let ok = len > 0 && len % 3 == 0 && len <= 768;
            assert_eq!(check(&palette_png(len)).is_ok(), ok, "PLTE of {len} bytes");
        }
    }

    #[test]
    fn the_decoder_reads_the_passing_palette_files() {
        for len in [3, 6, 768] {
            let img = image::load_from_memory(&palette_png(len)).expect("decodes");
            assert_eq!((img.width(), img.height()), (1, 1), "PLTE of {len} bytes");
        }
    }

    #[test]
    fn truncated_and_foreign_data_pass_to_the_decoder() {
        let png = palette_png(4);
        // Cut before the PLTE chunk's header is complete: nothing to judge.
        assert_eq!(check(&png[..8 + 25 + 6]), Ok(()));
        assert_eq!(check(b"GIF89a"), Ok(()));
        assert_eq!(check(&[]), Ok(()));
        // A chunk length near u32::MAX must not overflow the walk.
        let mut huge = SIGNATURE.to_vec();
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        huge.extend_from_slice(b"tEXt");
        assert_eq!(check(&huge), Ok(()));
    }
}
