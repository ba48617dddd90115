using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>One synthetic set shared by the tests that only read it (writing one takes the time of rendering it).</summary>
public sealed class SyntheticSetFixture : IDisposable
{
    public const int Samples = 8;

    /// <summary>320x240 scenes: a quarter of the pixels of the default, for fast tests.</summary>
    public static readonly TabletopSceneOptions SmallScenes = new() { Width = 320, Height = 240 };

    public SyntheticSetFixture()
    {
        Directory = TempDir.Create();
        Bench = BenchSetWriter.Make(Directory, Samples, seed: 7, SmallScenes);
    }

    public string Directory { get; }

    public BenchSet Bench { get; }

    public void Dispose() => TempDir.Delete(Directory);
}

internal static class TempDir
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "fleet-eval-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A fresh copy of a folder tree.</summary>
    public static string CopyOf(string source)
    {
        var target = Create();
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    public static void Delete(string path)
    {
        if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
    }
}
