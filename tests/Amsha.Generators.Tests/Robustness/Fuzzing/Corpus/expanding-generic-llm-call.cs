// An expanding generic as an [AmshaLlmCall] result, through a dictionary and an array.
using System.Collections.Generic;
using System.Threading.Tasks;
using Amsha;

namespace Fuzz;

public sealed class FzE<T>
{
    public T[] Items { get; set; } = [];
    public Dictionary<string, FzE<T[]>>? More { get; set; }
}

public partial class FzCalls(ExecutionSession session)
{
    [AmshaLlmCall(Prompt = "List {topic}")]
    public partial Task<FzE<string>> ListAsync(string topic);
}
