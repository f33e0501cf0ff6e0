using System.Globalization;
using PodIdentityWebhook.BareKestrel;

// bare --port P --response FILE (the first word is optional, as the load tool once took it).
var words = args is ["bare", .. var rest] ? rest : args;
string? Value(string name) => words.SkipWhile(w => w != "--" + name).Skip(1).FirstOrDefault();
if (Value("response") is not { } response)
{
    Console.Error.WriteLine("usage: PodIdentityWebhook.BareKestrel --port P --response FILE");
    return 2;
}

return await BareKestrel.RunAsync(int.Parse(Value("port") ?? "18444", CultureInfo.InvariantCulture), response);
