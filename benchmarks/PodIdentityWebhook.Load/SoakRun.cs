using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Hostile;
using PodIdentityWebhook.E2E.Webhook;

namespace PodIdentityWebhook.Load;

/// <summary>
/// Minutes of mixed load against the real control plane: reviews posted straight to the
/// webhook, pods created through the API server (failurePolicy Fail, so a failed call shows),
/// and ServiceAccounts created, re-annotated, stripped and deleted all along, with the API
/// server stopped and started again halfway. At the end every ServiceAccount's review must
/// match its final state, and resident memory must be flat.
/// </summary>
internal static class SoakRun
{
    private const int Namespaces = 5;
    private const int AccountsPerNamespace = 40;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var arguments = new Arguments(args);
        var duration = TimeSpan.FromMinutes(arguments.Number("minutes", 10));
        var plane = new ControlPlaneFixture();
        await plane.InitializeAsync();
        try
        {
            return await SoakAsync(plane, duration);
        }
        finally
        {
            await plane.DisposeAsync();
        }
    }

    private static async Task<int> SoakAsync(ControlPlaneFixture plane, TimeSpan duration)
    {
        var state = new ConcurrentDictionary<(string Ns, string Name), string?>();
        var universe = new List<(string Ns, string Name)>();
        for (var n = 0; n < Namespaces; n++)
        {
            await WebhookRegistration.CreateScopedNamespaceAsync(plane.Rest, $"soak-{n}", "soak");
            for (var i = 0; i < AccountsPerNamespace; i++)
            {
                var key = ($"soak-{n}", $"app-{i}");
                universe.Add(key);
                var role = i % 2 == 0 ? $"r{i}" : null;
                await plane.Rest.CreateServiceAccountAsync(key.Item1, key.Item2, role is null ? null : Roles.Annotations(role));
                state[key] = role;
            }
        }

        await using var webhook = await RunningWebhook.StartAsync(plane.WebhookHost, plane.KubeconfigPath, "--service-account-lookup-grace-period", "1s");
        await WebhookRegistration.RegisterAsync(plane.Rest, webhook, "soak", failurePolicy: "Fail");
        var memory = new ProcessMemory(webhook.ProcessId);
        var counters = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        void Count(string what) => counters.AddOrUpdate(what, 1, (_, n) => n + 1);
        var failures = new ConcurrentQueue<string>();
        var apiDown = 0;

        using var stop = new CancellationTokenSource(duration);
        using var http = Loopback.Client();
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"soak for {duration.TotalMinutes} min: {universe.Count} ServiceAccounts in {Namespaces} namespaces");

        var tasks = new List<Task>
        {
            Task.Run(() => ChurnAsync(plane, universe, state, () => Volatile.Read(ref apiDown) == 1, Count, stop.Token)),
            Task.Run(() => ApiPodsAsync(plane, universe, state, () => Volatile.Read(ref apiDown) == 1, Count, failures, stop.Token)),
            Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    memory.Sample();
                    await Delay(TimeSpan.FromSeconds(5), stop.Token);
                }
            }),
            Task.Run(async () =>
            {
                await Delay(duration / 2, stop.Token);
                Volatile.Write(ref apiDown, 1);
                Console.WriteLine($"{clock.Elapsed:mm\\:ss} stopping the API server");
                await plane.StopApiServerAsync();
                await Delay(TimeSpan.FromSeconds(15), CancellationToken.None);
                await plane.StartApiServerAsync();
                Volatile.Write(ref apiDown, 0);
                Console.WriteLine($"{clock.Elapsed:mm\\:ss} API server back");
            }),
        };
        for (var worker = 0; worker < 4; worker++)
        {
            var random = new Random(worker);
            tasks.Add(Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var (ns, name) = universe[random.Next(universe.Count)];
                    var (status, response) = await ReviewAsync(http, webhook.Url, ns, name);
                    if (status != HttpStatusCode.OK || response?["allowed"]?.GetValue<bool>() != true)
                    {
                        failures.Enqueue($"review {ns}/{name}: {status} {response}");
                    }

                    Count("reviews");
                }
            }));
        }

        await Task.WhenAll(tasks);
        Console.WriteLine($"{clock.Elapsed:mm\\:ss} load stopped; checking every ServiceAccount's review against its final state");
        await Task.Delay(TimeSpan.FromSeconds(3));
        memory.Sample();

        var wrong = 0;
        foreach (var key in universe)
        {
            var expected = state.TryGetValue(key, out var role) ? role : null;
            var (_, response) = await ReviewAsync(http, webhook.Url, key.Ns, key.Name);
            var patch = response?["patch"]?.GetValue<string>() is { } encoded ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) : null;
            var ok = expected is null ? patch is null : patch?.Contains(Roles.Arn(expected), StringComparison.Ordinal) == true;
            if (!ok)
            {
                wrong++;
                Console.WriteLine($"  {key.Ns}/{key.Name}: expected {(expected is null ? "no mutation" : Roles.Arn(expected))}, patch {patch ?? "none"}");
            }
        }

        foreach (var (what, n) in counters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {what}: {n}");
        }

        Console.WriteLine($"failed reviews or webhook-refused pods: {failures.Count}");
        foreach (var failure in failures.Take(20))
        {
            Console.WriteLine("  " + failure);
        }

        Console.WriteLine($"cache at the end: {universe.Count - wrong} of {universe.Count} ServiceAccounts answered as their final state");
        Console.WriteLine($"webhook resident memory: {memory}");
        return failures.IsEmpty && wrong == 0 && memory.IsFlat ? 0 : 1;
    }

    /// <summary>About 10 changes a second: create, re-annotate, strip or delete a random ServiceAccount.</summary>
    private static async Task ChurnAsync(
        ControlPlaneFixture plane, List<(string Ns, string Name)> universe, ConcurrentDictionary<(string, string), string?> state,
        Func<bool> apiDown, Action<string> count, CancellationToken stop)
    {
        var random = new Random(42);
        var generation = 0;
        while (!stop.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromMilliseconds(100), stop);
            if (apiDown())
            {
                continue;
            }

            var key = universe[random.Next(universe.Count)];
            var path = $"/api/v1/namespaces/{key.Ns}/serviceaccounts";
            try
            {
                if (!state.ContainsKey(key))
                {
                    var role = $"g{++generation}";
                    await plane.Rest.CreateServiceAccountAsync(key.Ns, key.Name, Roles.Annotations(role));
                    state[key] = role;
                    count("churn: created");
                }
                else
                {
                    switch (random.Next(3))
                    {
                        case 0:
                            var role = $"g{++generation}";
                            await plane.Rest.MergePatchAsync($"{path}/{key.Name}", Roles.AnnotationPatch(role));
                            state[key] = role;
                            count("churn: re-annotated");
                            break;
                        case 1:
                            await plane.Rest.MergePatchAsync($"{path}/{key.Name}",
                                new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [Roles.AnnotationKey] = null } } });
                            state[key] = null;
                            count("churn: annotation removed");
                            break;
                        default:
                            await plane.Rest.DeleteAsync($"{path}/{key.Name}");
                            state.TryRemove(key, out _);
                            count("churn: deleted");
                            break;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The API server went away between the check and the call; try another.
                count("churn: skipped, API server down");
            }
        }
    }

    /// <summary>A pod a second through the API server, for a ServiceAccount that exists.</summary>
    private static async Task ApiPodsAsync(
        ControlPlaneFixture plane, List<(string Ns, string Name)> universe, ConcurrentDictionary<(string, string), string?> state,
        Func<bool> apiDown, Action<string> count, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        var random = new Random(7);
        while (!stop.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromSeconds(1), stop);
            var key = universe[random.Next(universe.Count)];
            if (apiDown() || !state.ContainsKey(key))
            {
                continue;
            }

            try
            {
                await plane.Rest.CreateAsync($"/api/v1/namespaces/{key.Ns}/pods", new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = new JsonObject { ["generateName"] = "soak-" },
                    ["spec"] = new JsonObject
                    {
                        ["serviceAccountName"] = key.Name,
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "busybox" }),
                    },
                });
                count("pods created through the API server");
            }
            catch (HttpRequestException ex) when (ex.Message.Contains("pod-identity-webhook", StringComparison.Ordinal))
            {
                failures.Enqueue("pod refused by the webhook call: " + ex.Message);
            }
            catch (HttpRequestException)
            {
                // Deleted by the churn in between (ServiceAccount admission), or the API server went away.
                count("pods refused by the API server itself");
            }
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Response)> ReviewAsync(HttpClient http, Uri url, string ns, string serviceAccount)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Guid.NewGuid().ToString(),
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["namespace"] = ns,
                ["operation"] = "CREATE",
                ["object"] = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = new JsonObject { ["generateName"] = "soak-" },
                    ["spec"] = new JsonObject
                    {
                        ["serviceAccountName"] = serviceAccount,
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "busybox" }),
                    },
                },
            },
        };
        try
        {
            using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(url, content);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(body)?["response"] : JsonValue.Create(body));
        }
        catch (HttpRequestException ex)
        {
            return (0, JsonValue.Create(ex.Message));
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
