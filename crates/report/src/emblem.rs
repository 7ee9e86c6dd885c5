//! The administration's emblem (stemma) on its documents (issue 16, point 2): the picture its
//! planning office uploads, read whole and made again as a PNG of a printable size, so that
//! what is kept and put into every PDF and DOCX is a picture Pegaso itself wrote — never the
//! uploaded file's bytes, whatever they hid. PNG and JPEG are taken; anything else, a broken
//! file or a picture too large to decode safely is refused with a sentence for people.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits, imageops::FilterType};

/// The largest file taken (the upload's limit).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The longest side of the picture kept: at the 2 cm a page gives it, over 600 dpi.
pub const MAX_SIDE: u32 = 512;
/// The shortest side a picture may have to be legible at all.
pub const MIN_SIDE: u32 = 16;
/// The largest picture decoded (pixels on a side): a small file that decodes to an enormous
/// picture is refused before it is decoded.
const DECODE_SIDE: u32 = 8_000;

/// An emblem as kept: a PNG Pegaso wrote, and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emblem {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| unreadable())?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err("Lo stemma va caricato come immagine PNG o JPEG.".into());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(DECODE_SIDE);
    limits.max_image_height = Some(DECODE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    Ok(reader)
}

fn unreadable() -> String {
    "Il file dello stemma non si legge come immagine PNG o JPEG: forse è danneggiato.".into()
}

/// The emblem from an uploaded file: decoded whole, made no larger than [`MAX_SIDE`] (its
/// proportions kept) and written again as PNG. The error is for people, in Italian.
pub fn read(bytes: &[u8]) -> Result<Emblem, String> {
    if bytes.is_empty() {
        return Err("Scegliere il file dello stemma.".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err("Il file dello stemma supera i 2 MB.".into());
    }
    let picture = reader(bytes)?.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("Lo stemma è troppo grande: al massimo {DECODE_SIDE} pixel per lato.")
        }
        _ => unreadable(),
    })?;
    if picture.width().min(picture.height()) < MIN_SIDE {
        return Err(format!(
            "Lo stemma è troppo piccolo per essere stampato: almeno {MIN_SIDE} pixel per lato."
        ));
    }
    let picture = if picture.width().max(picture.height()) > MAX_SIDE {
        picture.resize(MAX_SIDE, MAX_SIDE, FilterType::Lanczos3)
    } else {
        picture
    };
    let picture = if picture.color().has_alpha() {
        DynamicImage::ImageRgba8(picture.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(picture.to_rgb8())
    };
    let mut png = Cursor::new(Vec::new());
    picture
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|_| unreadable())?;
    Ok(Emblem {
        png: png.into_inner(),
        width: picture.width(),
        height: picture.height(),
    })
}

/// The emblem as kept (a PNG [`read`] wrote), with its size read from its header; `None` if
/// the bytes are not such a picture.
pub fn kept(png: Vec<u8>) -> Option<Emblem> {
    let (width, height) = reader(&png).ok()?.into_dimensions().ok()?;
    Some(Emblem { png, width, height })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    fn encoded(picture: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn shield(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgba8(ImageBuffer::from_fn(width, height, |x, y| {
            Rgba([
                (x % 256) as u8,
                (y % 256) as u8,
                40,
                if x < 2 { 0 } else { 255 },
            ])
        }))
    }

    #[test]
    fn a_png_is_kept_as_a_png_of_its_size_with_its_transparency() {
        let e = read(&encoded(shield(120, 200), ImageFormat::Png)).unwrap();
        assert_eq!((e.width, e.height), (120, 200));
        let back = image::load_from_memory_with_format(&e.png, ImageFormat::Png).unwrap();
        assert!(back.color().has_alpha());
        assert_eq!(back.to_rgba8().get_pixel(0, 0).0[3], 0);
        assert_eq!(back.to_rgba8().get_pixel(50, 7).0, [50, 7, 40, 255]);
        assert_eq!(kept(e.png.clone()), Some(e));
    }

    #[test]
    fn a_jpeg_becomes_a_png_and_a_large_picture_is_made_smaller_in_proportion() {
        let photo = DynamicImage::ImageRgb8(ImageBuffer::from_fn(2000, 1000, |x, _| {
            Rgb([(x / 8) as u8, 90, 200])
        }));
        let e = read(&encoded(photo, ImageFormat::Jpeg)).unwrap();
        assert_eq!((e.width, e.height), (MAX_SIDE, MAX_SIDE / 2));
        assert_eq!(image::guess_format(&e.png).unwrap(), ImageFormat::Png);
        assert!(!image::load_from_memory(&e.png).unwrap().color().has_alpha());
    }

    #[test]
    fn what_is_not_a_usable_picture_is_refused_in_words() {
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        let png = encoded(shield(40, 40), ImageFormat::Png);
        let cases: [(&[u8], &str); 6] = [
            (b"", "Scegliere"),
            (b"%PDF-1.7 not a picture", "PNG o JPEG"),
            (gif, "PNG o JPEG"),
            (&png[..png.len() / 2], "danneggiato"),
            (&encoded(shield(8, 300), ImageFormat::Png), "troppo piccolo"),
            (&vec![0u8; MAX_BYTES + 1], "2 MB"),
        ];
        for (bytes, words) in cases {
            let e = read(bytes).unwrap_err();
            assert!(e.contains(words), "{e}");
        }
        assert_eq!(kept(b"not a png".to_vec()), None);
    }

    #[test]
    fn a_small_file_that_would_decode_to_a_huge_picture_is_refused_before_decoding() {
        // A PNG header that claims 20,000 × 20,000 pixels (1.6 GB decoded).
        let mut png = encoded(shield(20, 20), ImageFormat::Png);
        png[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        // The header's checksum made right again (chunk type and data, bytes 12..29).
        let mut crc = flate2::Crc::new();
        crc.update(&png[12..29]);
        png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let e = read(&png).unwrap_err();
        assert!(e.contains("troppo grande"), "{e}");
    }
}
