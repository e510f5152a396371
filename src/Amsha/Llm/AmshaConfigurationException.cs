using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>The <c>Amsha</c> configuration is invalid; every message names the bad key and says what to do.</summary>
public sealed class AmshaConfigurationException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public AmshaConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid Amsha configuration:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", errors))
    {
        Errors = errors;
    }

    /// <summary>Each problem, naming its configuration key.</summary>
    public IReadOnlyList<string> Errors { get; }
}
