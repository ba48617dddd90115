using Npgsql;

namespace RoboTracer.Fleet.EventStore.Postgres;

/// <summary>
/// How Orleans silos cluster and keep reminders in the event store's PostgreSQL schema, with the ADO.NET providers
/// Microsoft.Orleans.Clustering.AdoNet and Microsoft.Orleans.Reminders.AdoNet 10.4.2 (invariant <c>Npgsql</c>).
/// Those packages ship no SQL: they load their queries from <c>OrleansQuery(QueryKey, QueryText)</c>, which
/// migration 3 of the store creates beside its tables, so opening the store (<see cref="PostgresEventStore.OpenAsync(string, EventStoreOptions?, string, System.Threading.CancellationToken)"/>)
/// before the silo starts is what installs them. This project references no Orleans package; a silo host wires it:
/// <code>
/// var orleans = OrleansAdoNet.ConnectionString(storeConnectionString, schema);
/// siloBuilder
///     .UseAdoNetClustering(o => { o.Invariant = OrleansAdoNet.Invariant; o.ConnectionString = orleans; })
///     .UseAdoNetReminderService(o => { o.Invariant = OrleansAdoNet.Invariant; o.ConnectionString = orleans; });
/// clientBuilder.UseAdoNetClustering(o => { o.Invariant = OrleansAdoNet.Invariant; o.ConnectionString = orleans; });
/// </code>
/// </summary>
/// <remarks>
/// <para>The query keys and the ADO.NET parameters each is given, as the 10.4.2 DLLs send them (results are read by
/// column name):</para>
/// <list type="table">
/// <item><term>InsertMembershipVersionKey</term><description>DeploymentId → one boolean: a version row was created.</description></item>
/// <item><term>MembershipReadAllKey</term><description>DeploymentId → Version, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime; at least one row (StartTime NULL when there are no silos).</description></item>
/// <item><term>MembershipReadRowKey</term><description>DeploymentId, Address, Port, Generation → as MembershipReadAllKey.</description></item>
/// <item><term>GatewaysQueryKey</term><description>DeploymentId, Status (3, Active) → Address, ProxyPort, Generation.</description></item>
/// <item><term>InsertMembershipKey</term><description>DeploymentId, IAmAliveTime, SiloName, HostName, Address, Port, Generation, StartTime, Status, ProxyPort, Version (the table version read) → one boolean.</description></item>
/// <item><term>UpdateMembershipKey</term><description>DeploymentId, Address, Port, Generation, IAmAliveTime, Status, SuspectTimes, Version → one boolean.</description></item>
/// <item><term>UpdateIAmAlivetimeKey</term><description>DeploymentId, Address, Port, Generation, IAmAliveTime.</description></item>
/// <item><term>DeleteMembershipTableEntriesKey</term><description>DeploymentId.</description></item>
/// <item><term>CleanupDefunctSiloEntriesKey</term><description>DeploymentId, IAmAliveTime (the cutoff).</description></item>
/// <item><term>CleanupDefunctSiloEntryKey</term><description>optional, used instead of the previous one when present: DeploymentId, Address, Port, Generation, SuspectTimes, StartTime, IAmAliveTime of one dead row read before.</description></item>
/// <item><term>ReadReminderRowsKey</term><description>ServiceId, GrainId → GrainId, ReminderName, StartTime, Period (ms), Version.</description></item>
/// <item><term>ReadRangeRows1Key, ReadRangeRows2Key</term><description>ServiceId, BeginHash, EndHash → as ReadReminderRowsKey; 1 when (int)BeginHash &lt; (int)EndHash, else 2.</description></item>
/// <item><term>ReadReminderRowKey</term><description>ServiceId, GrainId, ReminderName → as ReadReminderRowsKey, zero or one row.</description></item>
/// <item><term>UpsertReminderRowKey</term><description>ServiceId, GrainHash, GrainId, ReminderName, StartTime, Period → Version (the new ETag).</description></item>
/// <item><term>DeleteReminderRowKey</term><description>ServiceId, GrainId, ReminderName, Version → one boolean.</description></item>
/// <item><term>DeleteReminderRowsKey</term><description>ServiceId.</description></item>
/// </list>
/// </remarks>
public static class OrleansAdoNet
{
    /// <summary>The ADO.NET invariant name the providers need for Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// The connection string a silo gives both providers: the store's, with Npgsql's <c>Search Path</c> set to
    /// <paramref name="schema"/>. The providers select from <c>OrleansQuery</c> unqualified, so the search path is
    /// how they find this store's queries; the queries themselves name the schema.
    /// </summary>
    /// <param name="storeConnectionString">The event store's PostgreSQL connection string.</param>
    /// <param name="schema">The event store's schema (default <see cref="PostgresEventStore.DefaultSchema"/>).</param>
    /// <exception cref="ArgumentException">The schema name is not one the store accepts.</exception>
    public static string ConnectionString(string storeConnectionString, string schema = PostgresEventStore.DefaultSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeConnectionString);
        var names = new PostgresNames(schema);
        return new NpgsqlConnectionStringBuilder(storeConnectionString) { SearchPath = names.Schema }.ConnectionString;
    }
}
