using RoboTracer.Fleet.Simulator.Scenes;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class SceneTests
{
    private static readonly string[] WellKnownNouns = ["cup", "box", "plate", "block"];

    [Fact]
    public void Every_scene_has_the_well_known_objects_and_no_extra_shares_their_nouns()
    {
        var withExtras = 0;
        for (var seed = 0; seed < 60; seed++)
        {
            var scene = SceneFactory.Create(seed, 160, 120);
            var labels = Enumerable.Range(0, scene.Count).Select(scene.LabelOf).ToList();

            Assert.Equal(labels.Count, labels.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            foreach (var (label, _, _) in WellKnownObjects.All)
            {
                Assert.Contains(label, labels);
            }
            var extras = labels.Except(WellKnownObjects.All.Select(w => w.Label)).ToList();
            Assert.InRange(extras.Count, 0, 3);
            withExtras += extras.Count > 0 ? 1 : 0;
            Assert.DoesNotContain(extras, e => WellKnownNouns.Any(n => e.Split(' ').Contains(n)));
        }
        Assert.True(withExtras > 50, $"only {withExtras} of 60 scenes have extras");
    }

    [Fact]
    public void Scenes_hold_every_kind_and_colour_the_tabletop_renderer_makes_each_labelled_colour_then_kind()
    {
        var labels = Enumerable.Range(0, 500)
            .Select(seed => SceneFactory.Create(seed, 160, 120))
            .SelectMany(scene => Enumerable.Range(0, scene.Count).Select(scene.LabelOf))
            .ToList();

        Assert.All(labels, label => Assert.Equal(2, label.Split(' ').Length));
        Assert.Equal(TabletopScene.ObjectKinds.Select(k => k.Name).Order(), labels.Select(l => l.Split(' ')[1]).Distinct().Order());
        Assert.Equal(TabletopScene.ObjectColors.Select(c => c.Name).Order(), labels.Select(l => l.Split(' ')[0]).Distinct().Order());
    }

    [Fact]
    public void The_same_seed_gives_the_same_scene_and_another_seed_another()
    {
        var a = SceneFactory.Create(42, 160, 120);
        var b = SceneFactory.Create(42, 160, 120);
        var c = SceneFactory.Create(43, 160, 120);

        Assert.Equal(a.Tabletop, b.Tabletop);
        Assert.Equal(a.Ids, b.Ids);
        Assert.NotEqual(a.Tabletop, c.Tabletop);
    }

    [Fact]
    public void Masks_cover_exactly_the_pixels_whose_depth_lies_on_their_object()
    {
        var scene = SceneFactory.Create(5, 160, 120);
        var rendering = scene.Render();
        var k = scene.Tabletop.Intrinsics;
        var visible = 0;

        foreach (var id in scene.Ids)
        {
            var mask = rendering.MaskOf(id);
            var box = scene.CameraBox(scene.IndexOf(id));
            Assert.Equal((k.Width, k.Height), (mask.Width, mask.Height));
            visible += mask.Count > 0 ? 1 : 0;
            for (var y = 0; y < mask.Height; y++)
            {
                for (var x = 0; x < mask.Width; x++)
                {
                    if (mask[x, y])
                    {
                        var point = k.BackProject(x, y, rendering.Depth[x, y]);
                        Assert.True(box.Contains(point, 1e-4), $"{id} mask pixel ({x}, {y}) back-projects to {point}, off its box");
                    }
                }
            }
        }
        Assert.True(visible >= 4, $"only {visible} objects visible");
    }

    [Fact]
    public void Obstacles_beyond_the_limit_replace_the_oldest()
    {
        var scene = SceneFactory.Create(1, 160, 120);
        var wall = new Domain.Geometry.OrientedBox3D(new(0, 0, 0.1), new(0.04, 0.24, 0.2), Domain.Geometry.Rotation3D.Identity);

        var changed = scene.WithObstacle(1, wall, 2, out var first).WithObstacle(2, wall, 2, out _).WithObstacle(3, wall, 2, out var third);

        Assert.Equal("obstacle-1", first);
        Assert.Equal(-1, changed.IndexOf(first));
        Assert.Equal("obstacle 3", changed.LabelOf(changed.IndexOf(third)));
        Assert.Equal(scene.Count + 2, changed.Count);
    }
}
