using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Vision.Tests.Scenes;

public sealed class TabletopSceneTests
{
    [Fact]
    public void Same_seed_gives_the_same_scene_and_the_same_pixels()
    {
        var a = TabletopScene.Generate(42);
        var b = TabletopScene.Generate(42);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        var ra = a.Render();
        var rb = b.Render();
        Assert.True(ra.Rgb.Pixels.SequenceEqual(rb.Rgb.Pixels));
        Assert.True(ra.Depth.Metres.SequenceEqual(rb.Depth.Metres));
        Assert.True(ra.Labels.SequenceEqual(rb.Labels));
        Assert.Equal(ra.Rgb.ToPng(), rb.Rgb.ToPng());
    }

    [Fact]
    public void Different_seeds_give_different_scenes()
    {
        var a = TabletopScene.Generate(1);
        var b = TabletopScene.Generate(2);

        Assert.NotEqual(a.Camera, b.Camera);
        Assert.NotEqual(a.Objects, b.Objects);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Objects_rest_on_the_table_apart_with_unique_labels()
    {
        var options = TabletopSceneOptions.Default;
        for (var seed = 0; seed < 30; seed++)
        {
            var scene = TabletopScene.Generate(seed, options);

            Assert.InRange(scene.Objects.Count, 1, options.MaxObjects);
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Label).Distinct().Count());
            foreach (var o in scene.Objects)
            {
                var bounds = o.Box.AxisAlignedBounds();
                Assert.Equal(0, bounds.Min.Z, 9);
                Assert.InRange(bounds.Min.X, -options.WorkspaceLength / 2 - 1e-9, options.WorkspaceLength / 2);
                Assert.InRange(bounds.Max.Y, -options.WorkspaceWidth / 2, options.WorkspaceWidth / 2 + 1e-9);
                Assert.True(o.Box.Rotation.IsRotation());
                Assert.Matches("^[a-z]+ [a-z]+$", o.Label);
            }
            for (var i = 0; i < scene.Objects.Count; i++)
            {
                for (var j = i + 1; j < scene.Objects.Count; j++)
                {
                    var ci = scene.Objects[i].Box.Center;
                    var cj = scene.Objects[j].Box.Center;
                    var gap = new Point2D(ci.X, ci.Y).DistanceTo(new Point2D(cj.X, cj.Y))
                        - Radius(scene.Objects[i].Box) - Radius(scene.Objects[j].Box);
                    Assert.True(gap >= options.MinGap - 1e-9, $"seed {seed}: {scene.Objects[i].Label} and {scene.Objects[j].Label} overlap");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mask_pixels_back_projected_with_the_rendered_depth_land_on_the_objects_surface(int seed)
    {
        var scene = TabletopScene.Generate(seed);
        var render = scene.Render();
        var k = scene.Intrinsics;
        var visible = 0;

        for (var i = 0; i < scene.Objects.Count; i++)
        {
            var mask = render.MaskOf(i);
            if (mask.Count > 100)
            {
                visible++;
            }
            var box = scene.ObjectBoxInCamera(i);
            var cloud = render.Depth.ToPointCloud(k, mask);
            Assert.Equal(mask.Count, cloud.Length);
            foreach (var p in cloud)
            {
                Assert.True(box.DistanceToSurface(p) < 1e-4, $"{scene.Objects[i].Label}: {p} is {box.DistanceToSurface(p)} m from its surface");
            }
        }
        Assert.True(visible >= 3, $"seed {seed}: only {visible} objects are clearly visible");
    }

    [Fact]
    public void Table_pixels_back_project_onto_the_table_top_in_the_world()
    {
        var scene = TabletopScene.Generate(5);
        var render = scene.Render();
        var table = render.Depth.ToPointCloud(scene.Intrinsics, render.MaskOf(RenderedScene.Table), stride: 3);

        Assert.NotEmpty(table);
        // Every table pixel is on the slab's surface; all but its front edge are on the top face, z = 0.
        Assert.All(table, p => Assert.True(scene.Table.DistanceToSurface(scene.Camera.ToWorld(p)) < 1e-4));
        Assert.True(table.Count(p => Math.Abs(scene.Camera.ToWorld(p).Z) < 1e-4) > 0.95 * table.Length);
    }

    [Fact]
    public void Depth_is_missing_exactly_where_rays_hit_nothing()
    {
        var render = TabletopScene.Generate(6).Render();

        for (var i = 0; i < render.Labels.Length; i++)
        {
            Assert.Equal(render.Labels[i] == RenderedScene.Background, render.Depth.Metres[i] == 0);
        }
    }

    [Fact]
    public void Object_pixels_are_the_objects_colour_under_lighting()
    {
        var scene = TabletopScene.Generate(7);
        var render = scene.Render();

        for (var y = 0; y < render.Rgb.Height; y += 2)
        {
            for (var x = 0; x < render.Rgb.Width; x += 2)
            {
                var label = render.LabelAt(x, y);
                if (label < 0)
                {
                    continue;
                }
                var color = scene.Objects[label].Color;
                var pixel = render.Rgb[x, y];
                // One shading factor in [ambient, 1] scales all three channels.
                var bright = Math.Max(color.R, Math.Max(color.G, color.B));
                var factor = Math.Max(pixel.R, Math.Max(pixel.G, pixel.B)) / (double)bright;
                Assert.InRange(factor, 0.34, 1.01);
                Assert.InRange(pixel.R, (color.R * factor) - 1.5, (color.R * factor) + 1.5);
                Assert.InRange(pixel.G, (color.G * factor) - 1.5, (color.G * factor) + 1.5);
                Assert.InRange(pixel.B, (color.B * factor) - 1.5, (color.B * factor) + 1.5);
            }
        }
    }

    [Fact]
    public void Moving_an_object_moves_its_pixels()
    {
        var scene = TabletopScene.Generate(8);
        var index = scene.IndexOf(scene.Objects[0].Label.ToUpperInvariant());
        var before = scene.Render().MaskOf(index);
        var o = scene.Objects[index];

        var moved = scene.WithObject(index, o with { Box = o.Box.Translated(new Point3D(0, 0, 0.3)) });
        var after = moved.Render().MaskOf(index);

        Assert.Equal(0, index);
        Assert.True(before.TryGetCentroid(out var c0));
        Assert.True(after.TryGetCentroid(out var c1));
        Assert.True(c1.Y < c0.Y - 5, "lifted objects appear higher in the image");
        Assert.Same(o, scene.Objects[0]);
        Assert.Equal(-1, scene.IndexOf("no such thing"));
    }

    [Fact]
    public void Look_at_puts_the_target_on_the_optical_axis_with_up_pointing_up()
    {
        var pose = CameraPose.LookAt(new Point3D(0, -1, 1), Point3D.Zero, new Point3D(0, 0, 1));

        var target = pose.ToCamera(Point3D.Zero);
        Assert.Equal(0, target.X, 12);
        Assert.Equal(0, target.Y, 12);
        Assert.Equal(Math.Sqrt(2), target.Z, 12);
        Assert.True(pose.ToCamera(new Point3D(0, 0, 0.1)).Y < 0, "world up is image up (camera -y)");
        Assert.True(pose.ToCamera(new Point3D(0.1, 0, 0)).X > 0, "world +x is to the right for a camera looking along +y");
        var p = new Point3D(0.3, -0.2, 0.7);
        var back = pose.ToWorld(pose.ToCamera(p));
        Assert.Equal(p.Z, back.Z, 12);
        var box = new OrientedBox3D(p, new Point3D(0.1, 0.2, 0.3), Rotation3D.AboutZ(0.4));
        Assert.True(pose.ToCamera(box).Contains(pose.ToCamera(p + new Point3D(0.01, 0.01, 0.1)), 1e-12));
        Assert.Equal(box.Center.X, pose.ToWorld(pose.ToCamera(box)).Center.X, 12);
        Assert.Throws<ArgumentException>(() => CameraPose.LookAt(Point3D.Zero, new Point3D(0, 0, -1), new Point3D(0, 0, 1)));
    }

    [Fact]
    public void Invalid_options_are_rejected_with_a_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => TabletopScene.Generate(1, new TabletopSceneOptions { MinObjects = 5, MaxObjects = 2 }));

        Assert.Equal("invalid scene options: object count range 5..2 is invalid", error.Message);
    }

    [Fact]
    public void Render_has_the_intrinsics_size_and_small_options_work()
    {
        var scene = TabletopScene.Generate(9, new TabletopSceneOptions { Width = 160, Height = 120, MinObjects = 1, MaxObjects = 1, AllowYaw = false });

        var render = scene.Render();

        Assert.Equal((160, 120), (render.Rgb.Width, render.Depth.Height));
        Assert.Single(scene.Objects);
        Assert.Equal(Rotation3D.Identity, scene.Objects[0].Box.Rotation);
    }

    private static double Radius(OrientedBox3D box) => Math.Sqrt((box.Extent.X * box.Extent.X) + (box.Extent.Y * box.Extent.Y)) / 2;
}
