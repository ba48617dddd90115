using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Domain.Tests.Planning;

public sealed class SpatialRelationsTests
{
    // Every phrase the three readers knew before the table was shared (the rule planner's lexicon held them all; the
    // verifier and the geometric backend a subset), with the canonical text, direction and success-check words the
    // planner wrote for it.
    public static TheoryData<string, SpatialRelation, string, string?, string> KnownPhrases => new()
    {
        { "to the left side of", SpatialRelation.LeftOf, "to the left of", "to the left of", "to the left of" },
        { "on the left side of", SpatialRelation.LeftOf, "to the left of", "to the left of", "to the left of" },
        { "to the left of", SpatialRelation.LeftOf, "to the left of", "to the left of", "to the left of" },
        { "on the left of", SpatialRelation.LeftOf, "to the left of", "to the left of", "to the left of" },
        { "left side of", SpatialRelation.LeftOf, "to the left of", "to the left of", "to the left of" },
        { "left of", SpatialRelation.LeftOf, "to the left of", "to the left of", "to the left of" },
        { "to the right side of", SpatialRelation.RightOf, "to the right of", "to the right of", "to the right of" },
        { "on the right side of", SpatialRelation.RightOf, "to the right of", "to the right of", "to the right of" },
        { "to the right of", SpatialRelation.RightOf, "to the right of", "to the right of", "to the right of" },
        { "on the right of", SpatialRelation.RightOf, "to the right of", "to the right of", "to the right of" },
        { "right side of", SpatialRelation.RightOf, "to the right of", "to the right of", "to the right of" },
        { "right of", SpatialRelation.RightOf, "to the right of", "to the right of", "to the right of" },
        { "in front of", SpatialRelation.InFrontOf, "in front of", "in front of", "in front of" },
        { "in back of", SpatialRelation.Behind, "behind", "behind", "behind" },
        { "behind", SpatialRelation.Behind, "behind", "behind", "behind" },
        { "next to", SpatialRelation.NextTo, "next to", "next to", "next to" },
        { "beside", SpatialRelation.NextTo, "next to", "next to", "next to" },
        { "near", SpatialRelation.Near, "near", "near", "near" },
        { "close to", SpatialRelation.Near, "near", "near", "near" },
        { "between", SpatialRelation.Between, "between", "between", "between" },
        { "under", SpatialRelation.Under, "under", "under", "under" },
        { "underneath", SpatialRelation.Under, "under", "under", "under" },
        { "beneath", SpatialRelation.Under, "under", "under", "under" },
        { "below", SpatialRelation.Below, "below", "below", "below" },
        { "above", SpatialRelation.Above, "above", "above", "above" },
        { "over", SpatialRelation.Over, "over", "over", "over" },
        { "towards", SpatialRelation.Towards, "towards", "towards", "closer to" },
        { "toward", SpatialRelation.Towards, "towards", "towards", "closer to" },
        { "on top of", SpatialRelation.OnTopOf, "on top of", null, "on top of" },
        { "onto", SpatialRelation.Onto, "onto", null, "on" },
        { "on to", SpatialRelation.Onto, "onto", null, "on" },
        { "on", SpatialRelation.On, "on", null, "on" },
        { "into", SpatialRelation.Into, "into", null, "in" },
        { "in to", SpatialRelation.Into, "into", null, "in" },
        { "inside", SpatialRelation.Inside, "inside", null, "inside" },
        { "inside of", SpatialRelation.Inside, "inside", null, "inside" },
        { "in", SpatialRelation.In, "in", null, "in" },
        { "to", SpatialRelation.To, "to", null, "at" },
        { "at", SpatialRelation.At, "at", null, "at" },
    };

    [Theory]
    [MemberData(nameof(KnownPhrases))]
    public void Every_known_phrase_names_its_relation_as_before(string phrase, SpatialRelation relation, string text, string? direction, string atText)
    {
        var parsed = SpatialRelations.Parse(phrase);

        Assert.Equal(relation, parsed);
        Assert.Equal((text, direction, atText), (relation.Text(), relation.Direction(), relation.AtText()));
    }

    [Fact]
    public void The_table_holds_exactly_the_known_phrases()
    {
        var known = KnownPhrases.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        var phrases = SpatialRelations.Phrases.Select(p => string.Join(' ', p.Words)).Order(StringComparer.Ordinal);

        Assert.Equal(known, phrases);
    }

    [Theory]
    [InlineData("To the  LEFT of", SpatialRelation.LeftOf)]
    [InlineData("  next\tto ", SpatialRelation.NextTo)]
    [InlineData("BEHIND", SpatialRelation.Behind)]
    public void A_phrase_is_read_whatever_its_case_and_spacing(string phrase, SpatialRelation relation)
    {
        Assert.Equal(relation, SpatialRelations.Parse(phrase));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("to the left")]
    [InlineData("left")]
    [InlineData("nearby")]
    [InlineData("upon")]
    [InlineData("to the left of the plate")]
    public void A_phrase_that_names_no_relation_parses_to_null(string? phrase)
    {
        Assert.Null(SpatialRelations.Parse(phrase));
    }

    [Fact]
    public void Phrases_come_longest_first_so_a_reader_taking_the_first_match_takes_the_longest()
    {
        var lengths = SpatialRelations.Phrases.Select(p => p.Words.Count).ToList();

        Assert.Equal(lengths.OrderByDescending(n => n), lengths);
    }

    [Fact]
    public void Every_relation_reads_back_from_its_canonical_text()
    {
        Assert.All(Enum.GetValues<SpatialRelation>(), relation => Assert.Equal(relation, SpatialRelations.Parse(relation.Text())));
    }
}
