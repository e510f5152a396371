using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Microsoft.Extensions.Primitives;

namespace Amsha.Tests.Definitions;

/// <summary>A definition source the test sets directly; <see cref="Set"/> signals the change as a real source would.</summary>
internal sealed class InMemoryDefinitionSource(DefinitionSet initial) : IDefinitionSource
{
    private DefinitionSet _set = initial;
    private CancellationTokenSource _changed = new();

    public string Name => "memory";

    public int Loads { get; private set; }

    public ValueTask<DefinitionSet> LoadAsync(CancellationToken cancellationToken = default)
    {
        Loads++;
        return new ValueTask<DefinitionSet>(Volatile.Read(ref _set));
    }

    public IChangeToken GetReloadToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Set(DefinitionSet set)
    {
        Volatile.Write(ref _set, set);
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
    }
}
