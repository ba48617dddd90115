
namespace RoboTracer.Fleet.Vision.Tests;

public sealed class ImageFormatTests
{
    private static readonly byte[] Soi = [0xFF, 0xD8];
    private static readonly byte[] App0Jfif = [0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    private static readonly byte[] Dqt = [0xFF, 0xDB, 0x00, 0x43, .. new byte[65]];
    // DHT (C4) sits inside the SOFn marker range but is not a frame header.
    private static readonly byte[] Dht = [0xFF, 0xC4, 0x00, 0x05, 0x00, 0x01, 0x02];
    private static readonly byte[] Sos = [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0xFF, 0xD9];

    private static byte[] Sof(byte marker, int width, int height) =>
        [0xFF, marker, 0x00, 0x11, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];

    [Fact]
    public void Sniffs_png_size_from_its_header()
    {
        var png = ImageCodec.EncodePngGray8(new byte[13 * 7], 13, 7);

        var info = ImageFormat.Sniff(png);

        Assert.Equal(new ImageInfo(ImageKind.Png, 13, 7), info);
        Assert.Equal("image/png", info.MediaType);
    }

    [Fact]
    public void Sniffs_baseline_jpeg_size_from_SOF0_after_other_segments()
    {
        byte[] jpeg = [.. Soi, .. App0Jfif, .. Dqt, .. Dht, .. Sof(0xC0, 640, 480), .. Sos];

        var info = ImageFormat.Sniff(jpeg);

        Assert.Equal(new ImageInfo(ImageKind.Jpeg, 640, 480), info);
        Assert.Equal("image/jpeg", info.MediaType);
    }

    [Fact]
    public void Sniffs_progressive_jpeg_and_skips_fill_bytes()
    {
        byte[] jpeg = [.. Soi, .. App0Jfif, 0xFF, 0xFF, .. Sof(0xC2, 1920, 1080)[1..], .. Sos];

        Assert.Equal(new ImageInfo(ImageKind.Jpeg, 1920, 1080), ImageFormat.Sniff(jpeg));
    }

    [Fact]
    public void Bytes_of_another_format_are_neither_png_nor_jpeg()
    {
        var error = Assert.Throws<FormatException>(() => ImageFormat.Sniff("GIF89a...."u8));

        Assert.Equal("image bytes are neither PNG nor JPEG", error.Message);
        Assert.False(ImageFormat.TrySniff("BM6\0\0"u8, out _, out var message));
        Assert.Equal("image bytes are neither PNG nor JPEG", message);
        Assert.False(ImageFormat.TrySniff([], out _, out var empty));
        Assert.Equal("image bytes are empty", empty);
    }

    [Fact]
    public void Jpeg_without_a_frame_header_before_the_scan_is_rejected()
    {
        byte[] jpeg = [.. Soi, .. App0Jfif, .. Sos];

        Assert.Equal("JPEG has no frame header (SOF) before its scan data", Assert.Throws<FormatException>(() => ImageFormat.Sniff(jpeg)).Message);
    }

    [Fact]
    public void Truncated_jpeg_is_reported()
    {
        byte[] jpeg = [.. Soi, .. App0Jfif, .. Sof(0xC0, 640, 480)[..7]];

        Assert.Contains("truncated", Assert.Throws<FormatException>(() => ImageFormat.Sniff(jpeg)).Message);
        Assert.Contains("truncated", Assert.Throws<FormatException>(() => ImageFormat.Sniff([.. Soi, .. App0Jfif])).Message);
    }

    [Fact]
    public void Truncated_png_header_is_reported()
    {
        var png = ImageCodec.EncodePngGray8([1], 1, 1);

        Assert.Equal("PNG is truncated before its header (IHDR)", Assert.Throws<FormatException>(() => ImageFormat.Sniff(png.AsSpan(0, 20))).Message);
    }
}
