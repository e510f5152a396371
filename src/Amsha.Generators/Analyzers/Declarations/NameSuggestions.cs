using System;
using System.Collections.Generic;
using System.Threading;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// "Did you mean" for unknown placeholders: the candidate nearest to a name (ignoring case) when it is
/// close enough to be a typo. Each distinct name is looked up once; each comparison computes only the
/// band of the edit-distance table that can hold a distance within the limit (at most 3), so it costs a
/// few cells per character, never the product of two long names' lengths.
/// </summary>
internal sealed class NameSuggestions
{
    private readonly IReadOnlyList<string> _candidates;
    private readonly string[] _upperCandidates;
    private readonly Dictionary<string, string?> _answers = new(StringComparer.Ordinal);
    private readonly AnalysisWork? _work;

    public NameSuggestions(IReadOnlyList<string> candidates, AnalysisWork? work, CancellationToken cancellationToken)
    {
        _candidates = candidates;
        _work = work;
        _upperCandidates = new string[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            work.Step(WorkKind.NameComparisons, cancellationToken);
            _upperCandidates[i] = candidates[i].ToUpperInvariant();
        }
    }

    /// <summary>The candidate nearest to <paramref name="name"/>, or null when none is near or two are equally near.</summary>
    public string? Closest(string name, CancellationToken cancellationToken)
    {
        if (_answers.TryGetValue(name, out var known))
        {
            return known;
        }

        var upper = name.ToUpperInvariant();
        var limit = Math.Max(1, Math.Min(3, name.Length / 3));
        string? best = null;
        var bestDistance = int.MaxValue;
        var tie = false;
        for (var i = 0; i < _candidates.Count; i++)
        {
            _work.Step(WorkKind.NameComparisons, cancellationToken);
            var candidate = _candidates[i];
            var distance = Distance(upper, _upperCandidates[i], limit, cancellationToken);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
                tie = false;
            }
            else if (distance == bestDistance && !string.Equals(best, candidate, StringComparison.Ordinal))
            {
                tie = true;
            }
        }

        var answer = best is not null && !tie && bestDistance <= limit ? best : null;
        _answers[name] = answer;
        return answer;
    }

    /// <summary>The edit distance of <paramref name="a"/> and <paramref name="b"/> when it is at most <paramref name="limit"/>, else <c>limit + 1</c>.</summary>
    private int Distance(string a, string b, int limit, CancellationToken cancellationToken)
    {
        var beyond = limit + 1;
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return beyond;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j <= limit ? j : beyond;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            // Cells farther than the limit from the diagonal hold distances beyond it: only the band is computed.
            var from = Math.Max(1, i - limit);
            var to = Math.Min(b.Length, i + limit);
            _work.Step(WorkKind.NameComparisons, cancellationToken, to - from + 1);
            current[0] = i <= limit ? i : beyond;
            if (from > 1)
            {
                current[from - 1] = beyond;
            }

            var rowBest = current[0];
            for (var j = from; j <= to; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(beyond, Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost));
                rowBest = Math.Min(rowBest, current[j]);
            }

            if (to < b.Length)
            {
                current[to + 1] = beyond;
            }

            if (rowBest >= beyond)
            {
                return beyond;
            }

            (previous, current) = (current, previous);
        }

        return Math.Min(previous[b.Length], beyond);
    }
}
