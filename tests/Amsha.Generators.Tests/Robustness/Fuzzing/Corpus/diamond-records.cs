// Issue 20, found 4: diamonds double what a per-root walk prints at every level.
using System.Collections.Generic;
using Amsha;

namespace Fuzz;

public sealed record D0(string Text);
public sealed record D1(D0 Left, D0 Right);
public sealed record D2(D1 Left, D1 Right);
public sealed record D3(D2 Left, D2 Right);
public sealed record D4(D3 Left, D3 Right);
public sealed record D5(D4 Left, D4 Right);
public sealed record D6(D5 Left, D5 Right);
public sealed record D7(D6 Left, D6 Right);
public sealed record D8(D7 Left, D7 Right);
public sealed record D9(D8 Left, List<D8> Right);

[Agent(Role = "Worker", Goal = "Work", Backstory = "Works.")]
public partial class FzAgent;

[CrewTask<D9>(Agent = typeof(FzAgent), Description = "Work on {Topic}", ExpectedOutput = "Out")]
public partial class FzT1;

[CrewTask<D5>(Agent = typeof(FzAgent), Description = "Then {Topic}", ExpectedOutput = "Out", Context = [typeof(FzT1)])]
public partial class FzT2;

public sealed record FzInput(string Topic);

[Crew<FzInput>(Tasks = [typeof(FzT1), typeof(FzT2)])]
public partial class FzCrew;
