namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// The exclusive scheduler of one activation: the tasks queued to it (turn starts, and every <c>await</c>
/// continuation of grain code) run one at a time, in order, on the thread pool. A caller that finds it idle may
/// claim it and run one task on its own thread (<see cref="TryRunInline"/>), which saves the thread-pool hop of
/// an uncontended call.
/// </summary>
/// <remarks>
/// Exclusivity is one flag, <c>_busy</c>: set by whoever runs this scheduler's tasks (the pool worker, or the
/// caller running one inline) and cleared only when the queue is empty. While it is set nobody else starts a
/// task of this scheduler; tasks queued meanwhile wait and are run by a worker started when the holder lets go.
/// An inline task runs as a real task of this scheduler, so <see cref="TaskScheduler.Current"/> is this
/// scheduler inside it and the grain's awaits resume here, not on the caller's scheduler.
/// </remarks>
internal sealed class ActivationScheduler : TaskScheduler, IThreadPoolWorkItem
{
    // A worker runs at most this many tasks before it yields its thread to the pool's other work.
    private const int TasksPerDispatch = 64;

    // The scheduler whose tasks this thread is running now (for nested inline turns: the innermost).
    [ThreadStatic]
    private static ActivationScheduler? t_running;

    // The task being started by TryRunInline on this thread: QueueTask leaves it to the caller.
    [ThreadStatic]
    private static Task? t_startingInline;

    private readonly Queue<Task> _tasks = new();
    private bool _busy;

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>True when the current thread runs a task of this scheduler (a turn of its grain).</summary>
    public bool IsRunningOnCurrentThread => t_running == this;

    /// <summary>
    /// Runs the unstarted <paramref name="task"/> on the current thread, as a task of this scheduler, if nothing
    /// else of this scheduler runs or waits; false (and the task untouched) otherwise.
    /// </summary>
    public bool TryRunInline(Task task)
    {
        lock (_tasks)
        {
            if (_busy)
            {
                return false;
            }
            _busy = true;
        }
        var outer = t_running;
        t_running = this;
        try
        {
            // Start binds the task to this scheduler (so Current is this scheduler while it runs) and calls
            // QueueTask, which sees t_startingInline and leaves the task to us.
            t_startingInline = task;
            task.Start(this);
            TryExecuteTask(task);
        }
        finally
        {
            t_startingInline = null;
            t_running = outer;
            Release();
        }
        return true;
    }

    /// <inheritdoc />
    void IThreadPoolWorkItem.Execute()
    {
        var outer = t_running;
        t_running = this;
        try
        {
            for (var i = 0; i < TasksPerDispatch; i++)
            {
                Task? task;
                lock (_tasks)
                {
                    if (!_tasks.TryDequeue(out task))
                    {
                        _busy = false;
                        return;
                    }
                }
                TryExecuteTask(task);
            }
        }
        finally
        {
            t_running = outer;
        }
        // Still busy: more tasks may be queued; a fresh dispatch runs them after the pool's other work.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        if (ReferenceEquals(t_startingInline, task))
        {
            t_startingInline = null;
            return;
        }
        lock (_tasks)
        {
            _tasks.Enqueue(task);
            if (_busy)
            {
                return;
            }
            _busy = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <inheritdoc />
    /// <remarks>Only a thread that runs this scheduler's tasks already may run one more (e.g. a synchronous continuation).</remarks>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_running == this && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_tasks)
        {
            return [.. _tasks];
        }
    }

    private void Release()
    {
        lock (_tasks)
        {
            if (_tasks.Count == 0)
            {
                _busy = false;
                return;
            }
        }
        // Continuations queued while the inline task ran: a worker takes over, still exclusive.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}
