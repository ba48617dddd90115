using RoboTracer.Fleet.AppHost.Fleet;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

public sealed class AppHostOptionsTests
{
    [Fact]
    public void No_arguments_give_the_documented_defaults()
    {
        var options = AppHostOptions.Parse([]).Options!;

        Assert.Equal(5080, options.Port);
        Assert.Equal(4, options.Robots);
        Assert.Equal(1, options.Silos);
        Assert.Null(options.Store);
        Assert.Null(options.Demo);
        Assert.Null(options.Duration);
        Assert.Equal(".fleet", options.DataDirectory);
    }

    [Fact]
    public void Every_flag_is_read_in_both_spellings()
    {
        var options = AppHostOptions.Parse(["--port=6001", "--robots", "2", "--silos=3", "--store", "postgres", "--no-demo", "--duration", "2.5", "--data", "/tmp/x", "--backend=simulated"]).Options!;

        Assert.Equal(6001, options.Port);
        Assert.Equal(2, options.Robots);
        Assert.Equal(3, options.Silos);
        Assert.Equal(StoreKind.Postgres, options.Store);
        Assert.False(options.Demo);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Duration);
        Assert.Equal("/tmp/x", options.DataDirectory);
        Assert.Equal("simulated", options.Backend);
    }

    [Theory]
    [InlineData("--robots 0", "--robots must be a whole number from 1")]
    [InlineData("--silos 0", "--silos must be a whole number from 1 to 16")]
    [InlineData("--store mongo", "--store must be sqlite or postgres, not 'mongo'")]
    [InlineData("--port 70000", "--port must be a whole number from 0 to 65535")]
    [InlineData("--duration -1", "--duration must be a positive number of seconds")]
    [InlineData("--port", "--port needs a value")]
    [InlineData("--robots --no-demo", "--robots needs a value")]
    [InlineData("--colour", "unknown option '--colour'")]
    public void Bad_arguments_are_refused_with_a_message_that_names_them(string arguments, string message)
    {
        var result = AppHostOptions.Parse(arguments.Split(' '));

        Assert.Null(result.Options);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
