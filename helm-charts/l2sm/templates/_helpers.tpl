{{/* Names: <release>-l2sm, trimmed to 40 so that "-<component>" fits in 63. */}}
{{- define "l2sm.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "l2sm.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "controller") */}}
{{- define "l2sm.selector" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "l2sm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The environment variable Kubernetes sets for the controller Service's address. */}}
{{- define "l2sm.controllerHostEnv" -}}
{{- printf "%s_CONTROLLER_SERVICE_HOST" (include "l2sm.fullname" . | upper | replace "-" "_") -}}
{{- end -}}

{{/* Restricted pod security for every part but the agent. */}}
{{/* The label of the node an edge device runs on (value "true"). */}}
{{- define "l2sm.edgeDeviceLabel" -}}
l2sm.l2sm.k8s.local/edge-device
{{- end -}}

{{- define "l2sm.restrictedPod" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "l2sm.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "l2sm.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The Secret holding one part's credentials (tls.crt, tls.key, ca.crt): (dict "ctx" $ "part" "operator").
Agents: "agents", one Secret with NODE.crt and NODE.key for every node.
*/}}
{{- define "l2sm.credentialsSecret" -}}
{{- if eq .ctx.Values.tls.mode "generate" -}}
{{- printf "%s-%s-tls" (include "l2sm.fullname" .ctx) .part -}}
{{- else -}}
{{- required (printf "tls.secrets.%s is required with tls.mode=secrets" .part) (index .ctx.Values.tls.secrets .part) -}}
{{- end -}}
{{- end -}}

{{/* The credentials volume of one part, mounted at /etc/l2sm/credentials. */}}
{{- define "l2sm.credentialsVolume" -}}
- name: credentials
  secret:
    secretName: {{ include "l2sm.credentialsSecret" . }}
    defaultMode: 0400
{{- end -}}

{{/*
The pod admission webhook's configuration, trusting the CA in caBundle (base64 PEM):
(dict "ctx" $ "caBundle" B64). Only pods labelled l2sm: "true" are sent to it, at creation.
*/}}
{{- define "l2sm.podWebhook" -}}
{{- $fullname := include "l2sm.fullname" .ctx -}}
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: {{ $fullname }}-{{ .ctx.Release.Namespace }}-pods
  labels:
    {{- include "l2sm.labels" .ctx | nindent 4 }}
webhooks:
  - name: pods.l2sm.l2sm.k8s.local
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: {{ .ctx.Values.operator.webhook.failurePolicy }}
    timeoutSeconds: 5
    objectSelector:
      matchLabels:
        l2sm: "true"
    rules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["pods"]
        scope: Namespaced
    clientConfig:
      caBundle: {{ .caBundle }}
      service:
        name: {{ $fullname }}-operator
        namespace: {{ .ctx.Release.Namespace }}
        path: /mutate-v1-pod
        port: 443
{{- end -}}

{{/*
With agent.ovs.mode bundled: Open vSwitch's two daemons as containers beside the part that drives
them (the agents, the edge device), sharing its ovs-run volume.
*/}}
{{- define "l2sm.bundledOvs" -}}
{{- if eq .Values.agent.ovs.mode "bundled" }}
{{- range (list "ovsdb-server" "ovs-vswitchd") }}
- name: {{ ternary "ovsdb" "vswitchd" (eq . "ovsdb-server") }}
  image: {{ include "l2sm.image" $ }}
  imagePullPolicy: {{ $.Values.image.pullPolicy }}
  command: ["/usr/share/l2sm/ovs-bundled.sh", {{ . | quote }}]
  securityContext:
    privileged: true
  volumeMounts:
    - {name: ovs-run, mountPath: /var/run/openvswitch}
    - {name: ovs-db, mountPath: /etc/openvswitch}
    {{- if eq . "ovs-vswitchd" }}
    - {name: modules, mountPath: /lib/modules, readOnly: true}
    {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The volumes of Open vSwitch's socket (the host's or the bundled daemons') and their state. */}}
{{- define "l2sm.ovsVolumes" -}}
- name: ovs-run
{{- if eq .Values.agent.ovs.mode "bundled" }}
  emptyDir: {}
- name: ovs-db
  emptyDir: {}
- name: modules
  hostPath: {path: /lib/modules, type: Directory}
{{- else }}
  hostPath: {path: {{ .Values.agent.ovs.hostRunDir }}, type: Directory}
{{- end }}
{{- end -}}

{{/* "true" when the parts are scraped through PodMonitors (the Prometheus operator) rather than
     through annotations: metrics.podMonitor "on", or "auto" with the PodMonitor CRD installed. */}}
{{- define "l2sm.podMonitor" -}}
{{- $m := .Values.metrics.podMonitor -}}
{{- if and .Values.metrics.enabled (or (eq $m "on") (and (eq $m "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PodMonitor"))) -}}
true
{{- end -}}
{{- end -}}

{{/* A pod's scrape annotations, when metrics are on and no PodMonitor takes the pod:
     (dict "ctx" $ "port" 8080 "scheme" "http") */}}
{{- define "l2sm.scrape" -}}
{{- if and .ctx.Values.metrics.enabled (not (include "l2sm.podMonitor" .ctx)) }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
prometheus.io/scheme: {{ .scheme | default "http" }}
{{- end }}
{{- end -}}

{{/* Every part's logging flags (its args file's first lines). */}}
{{- define "l2sm.logArgs" -}}
--log-format={{ .Values.logging.format }}
--log-level={{ .Values.logging.level }}
{{- end -}}
