namespace Amsha.Samples.PythonLayout;

/// <summary>
/// The input of <c>article_crew</c> (<c>input: ArticleRequest</c> in config/job_config.yaml): its members fill the
/// <c>{topic}</c> and <c>{audience}</c> placeholders of the YAML files, matched ignoring case and checked at compile time.
/// </summary>
public sealed record ArticleRequest(string Topic, string Audience = "engineers");

/// <summary>The article write.yaml asks for (its <c>output: Article</c>).</summary>
public sealed record Article(string Title, string Body, int WordCount);
