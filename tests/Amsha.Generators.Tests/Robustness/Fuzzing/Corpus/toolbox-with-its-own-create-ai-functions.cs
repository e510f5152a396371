using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha;

namespace Fuzz;
public sealed record FzInput(string Topic);
public sealed record FzType0(string M0, List<int> M1);
[Agent(Role = "Researcher", Goal = "Work on {Topic}", Backstory = "Careful.", Tools = [typeof(FzTools0)])] public partial class FzAgent0;
[CrewTask<FzType0>(Agent = typeof(FzAgent0), Description = "Work on {Topic}", ExpectedOutput = "Out")] public partial class FzTask0;
[Crew<FzInput>(Tasks = [typeof(FzTask0)])] public partial class FzCrew0;
[Toolbox] public partial class FzTools0
{
    public string CreateAIFunctions() => "";

    [Tool(Description = "Looks {Topic} up.")] public Task<FzType0> Tool0Async(string a0, CancellationToken cancellationToken = default) => Task.FromResult<FzType0>(default!);
}
