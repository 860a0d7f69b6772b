//! PNG decoded row by row and scaled down on the way: however large the image, only the
//! print-sized result is held in memory, and the render's cancellation is looked at every
//! few rows. (Interlaced PNGs, rare and small, are left to the general decoder.)

use std::io::Cursor;

use crate::cancel::Cancel;

/// Samples of a decoded image: gray (one per pixel) or RGB (three), on white paper.
pub struct Samples {
    pub width: u32,
    pub height: u32,
    pub gray: bool,
    pub data: Vec<u8>,
}

/// Rows between two looks at the cancellation flag.
const CANCEL_CHECK_ROWS: u32 = 64;

/// Decodes `bytes` into at most `fit` pixels (aspect kept, never enlarged); `None` for an
/// interlaced image.
pub fn decode(bytes: &[u8], fit: (u32, u32), cancel: &Cancel) -> Result<Option<Samples>, String> {
    let unreadable = |e: png::DecodingError| format!("unreadable PNG image: {e}");
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(unreadable)?;
    let info = reader.info();
    if info.interlaced {
        return Ok(None);
    }
    let (width, height) = (info.width, info.height);
    let (color, _) = reader.output_color_type();
    let (channels, has_alpha, gray) = match color {
        png::ColorType::Grayscale => (1, false, true),
        png::ColorType::GrayscaleAlpha => (2, true, true),
        png::ColorType::Rgb => (3, false, false),
        png::ColorType::Rgba => (4, true, false),
        png::ColorType::Indexed => return Err("unreadable PNG image: palette not expanded".into()),
    };
    let out_channels = if gray { 1 } else { 3 };
    let (out_w, out_h) = fit_within(width, height, fit);
    // Which output column each source column adds to, and how many add to each.
    let column: Vec<usize> = (0..width)
        .map(|x| (x as u64 * out_w as u64 / width as u64) as usize)
        .collect();
    let mut per_column = vec![0u32; out_w as usize];
    for &c in &column {
        per_column[c] += 1;
    }
    let mut sums = vec![0u32; out_w as usize * out_channels];
    let mut rows_in_sum = 0u32;
    let mut current_row = 0u32;
    let mut data = Vec::with_capacity(out_w as usize * out_h as usize * out_channels);
    let flush = |sums: &mut Vec<u32>, rows: u32, data: &mut Vec<u8>| {
        for (i, sum) in sums.iter_mut().enumerate() {
            let count = per_column[i / out_channels] * rows.max(1);
            data.push((*sum / count.max(1)) as u8);
            *sum = 0;
        }
    };
    for y in 0..height {
        if y % CANCEL_CHECK_ROWS == 0 && cancel.is_cancelled() {
            return Err("the render was stopped".to_string());
        }
        let Some(row) = reader.next_row().map_err(unreadable)? else {
            return Err("unreadable PNG image: fewer rows than its header says".to_string());
        };
        let target_row = (y as u64 * out_h as u64 / height as u64) as u32;
        if target_row != current_row {
            flush(&mut sums, rows_in_sum, &mut data);
            rows_in_sum = 0;
            current_row = target_row;
        }
        rows_in_sum += 1;
        for (x, pixel) in row.data().chunks_exact(channels).enumerate() {
            let alpha = if has_alpha {
                pixel[channels - 1] as u32
            } else {
                255
            };
            // Transparent parts show the paper.
            let on_white = |c: u8| (c as u32 * alpha + 255 * (255 - alpha)) / 255;
            let base = column[x] * out_channels;
            if gray {
                sums[base] += on_white(pixel[0]);
            } else {
                sums[base] += on_white(pixel[0]);
                sums[base + 1] += on_white(pixel[1]);
                sums[base + 2] += on_white(pixel[2]);
            }
        }
    }
    flush(&mut sums, rows_in_sum, &mut data);
    Ok(Some(Samples {
        width: out_w,
        height: out_h,
        gray,
        data,
    }))
}

/// The largest size within `fit` with the aspect of `width` x `height`, never larger
/// than the image itself.
pub fn fit_within(width: u32, height: u32, fit: (u32, u32)) -> (u32, u32) {
    let scale = (fit.0.max(1) as f64 / width.max(1) as f64)
        .min(fit.1.max(1) as f64 / height.max(1) as f64)
        .min(1.0);
    (
        ((width as f64 * scale).round() as u32).clamp(1, width.max(1)),
        ((height as f64 * scale).round() as u32).clamp(1, height.max(1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(width: u32, height: u32, color: image::ColorType) -> Vec<u8> {
        let mut out = Vec::new();
        let pixels: Vec<u8> = (0..width * height * color.bytes_per_pixel() as u32)
            .map(|i| (i * 37 % 251) as u8)
            .collect();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, width, height, color.into())
            .unwrap();
        out
    }

    use image::ImageEncoder;

    #[test]
    fn large_images_come_out_print_sized_with_their_colours_averaged() {
        let png = encoded(400, 200, image::ColorType::Rgb8);
        let samples = decode(&png, (100, 100), &Cancel::never()).unwrap().unwrap();
        assert_eq!(
            (samples.width, samples.height, samples.gray),
            (100, 50, false)
        );
        assert_eq!(samples.data.len(), 100 * 50 * 3);
        // An average of varied samples sits well inside the range.
        let mean = samples.data.iter().map(|&b| b as u32).sum::<u32>() / samples.data.len() as u32;
        assert!((100..160).contains(&mean), "{mean}");
    }

    #[test]
    fn small_images_keep_every_pixel_and_alpha_shows_the_paper() {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                &[0, 0, 0, 0, 0, 0, 0, 255],
                2,
                1,
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        let samples = decode(&out, (100, 100), &Cancel::never()).unwrap().unwrap();
        assert_eq!(
            samples.data,
            [255, 255, 255, 0, 0, 0],
            "transparent is white"
        );
        let gray = encoded(3, 3, image::ColorType::L8);
        let samples = decode(&gray, (100, 100), &Cancel::never())
            .unwrap()
            .unwrap();
        assert!(samples.gray);
        assert_eq!(samples.data.len(), 9);
    }

    #[test]
    fn a_cancelled_render_stops_decoding() {
        let png = encoded(64, 200, image::ColorType::Rgb8);
        let cancel = Cancel::new();
        cancel.cancel();
        assert!(decode(&png, (10, 10), &cancel).is_err());
    }
}
