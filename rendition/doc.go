// Package rendition turns an image into export renditions: it decodes a
// source, checks it against resource limits before allocating pixels, applies
// the EXIF orientation, resizes, applies modifiers and a watermark, and
// encodes the result.
//
// A Profile describes one rendition (size, fit, format, quality, modifiers,
// watermark, metadata). Profiles validate strictly, have a compact string form
// for URLs ("w1024-h768-cover-jpeg-q85-gray") and a stable Hash for cache keys.
//
// The package knows nothing of storage: a Source is an io.ReaderAt and a size.
// The Builtin engine is pure Go (standard library and golang.org/x/image); a
// host can plug another Engine (libvips, say) into a Registry by media type.
//
// Cheapest source first: the Builtin engine renders from the embedded EXIF
// thumbnail when the output fits inside it, else from a larger rendition the
// caller already has (Options.Larger), else from the original. RenderMany
// renders several profiles from one decode.
//
// JPEGs larger than the output are decoded at 1/2, 1/4 or 1/8 size in the
// DCT domain (each block yields the exact means of cells of its inverse
// DCT), as libjpeg's shrink-on-load does, keeping the decoded image at least
// 1.25 times the output; image/jpeg has no such mode and would decode every
// pixel.
//
// Resizing works on the decoded planes (the Y, Cb and Cr planes of a JPEG are
// resized separately, without converting to RGBA) with a separable Lanczos-3
// filter, precomputed fixed-point weights, pooled buffers and one worker per
// core. For large reductions a box prefilter first shrinks the image by an
// integer factor while it stays at least twice the target size; the Lanczos
// filter then does the remaining reduction of at least 2x, whose cutoff lies
// well below the box filter's aliasing band, so the result stays within a few
// levels of a direct Lanczos reduction (tested) at a fraction of its cost.
// libvips does the same with its shrink and reduce steps.
//
// Errors wrap the sentinels ErrUnsupported, ErrTooLarge, ErrInvalidProfile,
// ErrCorrupt and context errors, so a caller maps them once.
package rendition
