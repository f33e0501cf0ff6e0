using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>
/// The --service-accounts-file read at start-up: 1,000 annotated ServiceAccounts as a
/// multi-document YAML stream, the shape <c>scripts/measure-startup.sh</c> starts from.
/// <c>ReadEvents</c> is the floor under any YamlDotNet reader: the parser's events, nothing kept.
/// </summary>
[Config(typeof(ShortRunConfig))]
public class ServiceAccountFileBenchmarks
{
    private const int Count = 1000;
    private byte[] _content = [];
    private ServiceAccountParser _parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            yaml.Append("---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n")
                .Append(CultureInfo.InvariantCulture, $"  name: app-{i}\n  namespace: startup-{i % 10}\n  annotations:\n")
                .Append(CultureInfo.InvariantCulture, $"    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app-{i}\n");
        }

        _content = Encoding.UTF8.GetBytes(yaml.ToString());
        _parser = new ServiceAccountParser(new WebhookOptions(), NullLogger<ServiceAccountParser>.Instance);
        if (ParseFile() != Count)
        {
            throw new InvalidOperationException("the file parser did not find every ServiceAccount");
        }
    }

    [Benchmark]
    public int ParseFile() => ServiceAccountFileParser.Parse(_content, _parser).Count;

    [Benchmark]
    public int ReadEvents()
    {
        using var reader = new StringReader(Encoding.UTF8.GetString(_content));
        var parser = new Parser(reader);
        var events = 0;
        while (parser.MoveNext())
        {
            events += parser.Current is Scalar ? 1 : 0;
        }

        return events;
    }
}
