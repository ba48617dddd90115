namespace RoboTracer.Fleet.EventStore.Tests;

public sealed class StreamIdTests
{
    [Theory]
    [InlineData("task-1")]
    [InlineData("robot:alpha@site_2.v1")]
    [InlineData("A")]
    public void Ids_of_allowed_characters_are_valid(string id) => Assert.True(StreamId.IsValid(id));

    [Fact]
    public void The_longest_allowed_id_is_valid_and_one_more_character_is_not()
    {
        var error = Assert.Throws<InvalidStreamIdException>(() => StreamId.Validate(new string('a', StreamId.MaxLength + 1)));

        Assert.True(StreamId.IsValid(new string('a', StreamId.MaxLength)));
        Assert.Contains($"at most {StreamId.MaxLength} are allowed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "it is empty")]
    [InlineData("", "it is empty")]
    [InlineData("task 1", "character '\\u0020' at index 4 is not allowed")]
    [InlineData("task/1", "character '/' at index 4 is not allowed")]
    [InlineData("täsk", "character 'ä' at index 1 is not allowed")]
    public void Invalid_ids_are_rejected_with_what_is_wrong(string? id, string problem)
    {
        var error = Assert.Throws<InvalidStreamIdException>(() => StreamId.Validate(id));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(id, error.StreamId);
        Assert.Equal("streamId", error.ParamName);
    }
}
