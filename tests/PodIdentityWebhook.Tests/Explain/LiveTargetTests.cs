using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary>
/// <see cref="LiveTarget.Parse"/>: every reference form and kind alias explain accepts, the
/// API path each kind is read from, and the references it refuses with a message.
/// </summary>
public class LiveTargetTests
{
    [Theory]
    [InlineData("web", "Pod", "shop", "web")]
    [InlineData("prod/web", "Pod", "prod", "web")]
    [InlineData("pod/web", "Pod", "shop", "web")]
    [InlineData("pods/web", "Pod", "shop", "web")]
    [InlineData("po/web", "Pod", "shop", "web")]
    [InlineData("pod/prod/web", "Pod", "prod", "web")]
    [InlineData("deployment/web", "Deployment", "shop", "web")]
    [InlineData("deploy/web", "Deployment", "shop", "web")]
    [InlineData("Deployment/web", "Deployment", "shop", "web")]
    [InlineData("deployments/prod/web", "Deployment", "prod", "web")]
    [InlineData("statefulset/db", "StatefulSet", "shop", "db")]
    [InlineData("sts/prod/db", "StatefulSet", "prod", "db")]
    [InlineData("daemonset/agent", "DaemonSet", "shop", "agent")]
    [InlineData("ds/kube-system/agent", "DaemonSet", "kube-system", "agent")]
    [InlineData("replicaset/web-5d8f", "ReplicaSet", "shop", "web-5d8f")]
    [InlineData("rs/web-5d8f", "ReplicaSet", "shop", "web-5d8f")]
    [InlineData("job/migrate", "Job", "shop", "migrate")]
    [InlineData("cronjob/nightly", "CronJob", "shop", "nightly")]
    [InlineData("cj/prod/nightly", "CronJob", "prod", "nightly")]
    [InlineData("  web.v2  ", "Pod", "shop", "web.v2")]
    public void Reference_names_kind_namespace_and_name(string reference, string kind, string @namespace, string name)
    {
        Assert.Equal(new LiveTarget(kind, @namespace, name), LiveTarget.Parse(reference, "shop"));
    }

    [Theory]
    [InlineData("pod/web", "/api/v1/namespaces/shop/pods/web")]
    [InlineData("deploy/web", "/apis/apps/v1/namespaces/shop/deployments/web")]
    [InlineData("sts/web", "/apis/apps/v1/namespaces/shop/statefulsets/web")]
    [InlineData("ds/web", "/apis/apps/v1/namespaces/shop/daemonsets/web")]
    [InlineData("rs/web", "/apis/apps/v1/namespaces/shop/replicasets/web")]
    [InlineData("job/web", "/apis/batch/v1/namespaces/shop/jobs/web")]
    [InlineData("cj/web", "/apis/batch/v1/namespaces/shop/cronjobs/web")]
    public void Kind_is_read_from_its_API_path(string reference, string path)
    {
        Assert.Equal(path, LiveTarget.Parse(reference, "shop").ApiPath);
    }

    [Fact]
    public void Target_reads_as_kind_namespace_and_name()
    {
        Assert.Equal("deployment shop/web", LiveTarget.Parse("deploy/web", "shop").ToString());
        Assert.Equal("pod default/x", LiveTarget.Parse("x", "default").ToString());
    }

    [Theory]
    [InlineData("", "a part is empty")]
    [InlineData("   ", "a part is empty")]
    [InlineData("/web", "a part is empty")]
    [InlineData("pod/", "a part is empty")]
    [InlineData("deploy//web", "a part is empty")]
    [InlineData("service/prod/web", "'service' is not a kind explain reads")]
    [InlineData("pod/prod/web/extra", "too many '/'")]
    [InlineData("Web", "'Web' is not an object name")]
    [InlineData("web_1", "'web_1' is not an object name")]
    [InlineData("-web", "'-web' is not an object name")]
    [InlineData("web?watch=1", "'web?watch=1' is not an object name")]
    [InlineData("Prod/web", "'Prod' is not a namespace name")]
    [InlineData("prod.eu/web", "'prod.eu' is not a namespace name")]
    public void Bad_reference_is_refused_with_the_reason_and_the_forms(string reference, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => LiveTarget.Parse(reference, "shop"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("KIND/NAMESPACE/NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_names_are_refused()
    {
        Assert.Throws<ConfigurationException>(() => LiveTarget.Parse(new string('a', 64) + "/web", "shop"));
        Assert.Throws<ConfigurationException>(() => LiveTarget.Parse(new string('a', 64), "shop"));
        Assert.Equal(new string('a', 63) + "." + new string('b', 63), LiveTarget.Parse(new string('a', 63) + "." + new string('b', 63), "shop").Name);
    }
}
