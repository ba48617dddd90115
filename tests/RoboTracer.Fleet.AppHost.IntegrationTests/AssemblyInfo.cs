// Each test here starts a whole fleet (DCP, PostgreSQL, five .NET services) on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
