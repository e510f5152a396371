// Issue 20, found 1: a class whose member nests it in itself, reachable from execution state.
using Amsha;

namespace Fuzz;

public class FzH<T>
{
    public FzH<FzH<T>>? Inner { get; set; }
}

[ExecutionState]
public partial class FzState
{
    public FzH<int>? Root { get; set; }
}
