using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RoboTracer.Fleet.Cli.Output;

/// <summary>
/// Plain tables: cells are text, never markup, so ids and instructions with brackets print as they are. A table is as
/// wide as the console (the terminal's width, or <c>COLUMNS</c>, see <see cref="CliContext.ForProcess"/>); every
/// column but the last keeps its cells on one line, and the last (an instruction, a note) wraps in what is left.
/// </summary>
internal static class Tables
{
    public static Table Create(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        for (var i = 0; i < columns.Length; i++)
        {
            var column = new TableColumn(new Text(columns[i]));
            table.AddColumn(i < columns.Length - 1 ? column.NoWrap() : column);
        }
        return table;
    }

    /// <summary>The shortest length, at least <paramref name="minimum"/>, at which the ids' starts are all different.</summary>
    public static int UniquePrefixLength(IReadOnlyCollection<string> ids, int minimum)
    {
        var longest = ids.Count == 0 ? minimum : ids.Max(id => id.Length);
        for (var length = minimum; length < longest; length++)
        {
            if (ids.Select(id => id[..Math.Min(length, id.Length)]).Distinct(StringComparer.Ordinal).Count() == ids.Count)
            {
                return length;
            }
        }
        return Math.Max(minimum, longest);
    }

    public static void AddRow(Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());

    public static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
