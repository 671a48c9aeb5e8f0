import type { LibraryModel } from '../concepts';
import { NOT_HTML } from './contentTypes';

/**
 * Django and Django REST framework: https://docs.djangoproject.com/en/stable/ref/request-response/,
 * https://www.django-rest-framework.org/api-guide/requests/
 */

const REQUEST_DATA = [
  'GET', 'POST', 'body', 'COOKIES', 'META', 'FILES', 'headers', 'path', 'path_info', 'get_full_path', 'build_absolute_uri',
  'read', 'readline', 'readlines', 'data', 'query_params', 'content_params', 'get_host', 'get_signed_cookie',
];
const VIEW_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'dispatch', 'list', 'retrieve', 'create', 'update', 'partial_update', 'destroy'];
const DJANGO_VIEW_BASES = [
  'django.views.View', 'django.views.generic.View', 'django.views.generic.base.View', 'django.views.generic.TemplateView',
  'django.views.generic.ListView', 'django.views.generic.DetailView', 'django.views.generic.FormView',
];
const DRF_VIEW_BASES = [
  'rest_framework.views.APIView', 'rest_framework.generics.GenericAPIView', 'rest_framework.viewsets.ViewSet',
  'rest_framework.viewsets.ModelViewSet', 'rest_framework.viewsets.GenericViewSet', 'rest_framework.viewsets.ReadOnlyModelViewSet',
];
const REDIRECT_VIEWS = ['django.views.generic.RedirectView', 'django.views.generic.base.RedirectView'];
const VIEW_BASES = [...DJANGO_VIEW_BASES, ...DRF_VIEW_BASES];

export const django: LibraryModel = {
  name: 'Django',
  sources: [
    { object: 'django.http.HttpRequest', members: REQUEST_DATA, kind: 'remote', label: 'Django request data' },
    { object: 'rest_framework.request.Request', members: REQUEST_DATA, kind: 'remote', label: 'Django REST framework request data' },
    // Class-based views: URL keyword arguments (`self.kwargs["pk"]`).
    ...[...VIEW_BASES, ...REDIRECT_VIEWS].map((object) => ({ object, members: ['kwargs', 'args'], kind: 'remote' as const, label: 'URL parameter of the view' })),
  ],
  // Class-based views: `self.request` is the request.
  aliases: Object.fromEntries([
    ...[...DJANGO_VIEW_BASES, ...REDIRECT_VIEWS].map((base) => [`${base}.request`, 'django.http.HttpRequest']),
    ...DRF_VIEW_BASES.map((base) => [`${base}.request`, 'rest_framework.request.Request']),
  ]),
  requestParameters: [
    { type: 'django.http.HttpRequest', annotations: ['django.http.HttpRequest', 'django.http.request.HttpRequest'], names: ['request'], imports: ['django'] },
    { type: 'rest_framework.request.Request', annotations: ['rest_framework.request.Request'], names: ['request'], imports: ['rest_framework'] },
  ],
  handlers: [
    // A function view: `def view(request, slug)` in a module that imports Django.
    { signature: ['request'], skip: 1, imports: ['django', 'rest_framework'], label: 'URL parameter of the view' },
    ...VIEW_BASES.map((base) => ({ base, methods: VIEW_METHODS, skip: 2, label: 'URL parameter of the view' })),
    // `RedirectView.get_redirect_url(self, *args, **kwargs)`: the URL it returns is where the browser is sent.
    ...REDIRECT_VIEWS.map((base) => ({
      base, methods: ['get_redirect_url'], skip: 1, label: 'URL parameter of the view',
      returns: { concept: 'redirect' as const, label: '`RedirectView` sends the browser to the URL `get_redirect_url()` returns' },
    })),
  ],
  sinks: [
    // Not HTML when the code says so (`content_type="text/plain"`): a browser shows such a body as text.
    { callee: 'django.http.HttpResponse', concept: 'html', args: [0, 'content'], unless: { keyword: 'content_type', matches: NOT_HTML }, label: '`HttpResponse()` sends it as the response body' },
    { callee: 'django.http.response.HttpResponse', concept: 'html', args: [0, 'content'], unless: { keyword: 'content_type', matches: NOT_HTML }, label: '`HttpResponse()` sends it as the response body' },
    { callee: 'django.utils.safestring.mark_safe', concept: 'html', args: [0], label: '`mark_safe()` marks it as safe HTML' },
    { callee: 'django.utils.safestring.SafeString', concept: 'html', args: [0], label: '`SafeString()` marks it as safe HTML' },
    { callee: 'django.utils.html.format_html', concept: 'html', args: [0, 'format_string'], label: '`format_html()` uses it as the HTML template' },
    { callee: 'django.shortcuts.redirect', concept: 'redirect', args: [0, 'to'], label: '`redirect()` sends the browser there' },
    { callee: 'django.http.HttpResponseRedirect', concept: 'redirect', args: [0, 'redirect_to'], label: '`HttpResponseRedirect()` sends the browser there' },
    { callee: 'django.http.HttpResponsePermanentRedirect', concept: 'redirect', args: [0, 'redirect_to'], label: '`HttpResponsePermanentRedirect()` sends the browser there' },
    { callee: 'django.http.response.HttpResponseRedirect', concept: 'redirect', args: [0, 'redirect_to'], label: '`HttpResponseRedirect()` sends the browser there' },
    { callee: 'django.http.response.HttpResponsePermanentRedirect', concept: 'redirect', args: [0, 'redirect_to'], label: '`HttpResponsePermanentRedirect()` sends the browser there' },
    { callee: 'django.template.Template', concept: 'template', args: [0, 'template_string'], label: '`Template()` compiles it as a template' },
    { callee: 'django.template.engines.from_string', concept: 'template', args: [0], label: '`from_string()` compiles it as a template' },
    { callee: 'django.db.models.expressions.RawSQL', concept: 'sql', args: [0, 'sql'], label: '`RawSQL()` runs it as SQL' },
    { callee: 'django.db.models.RawSQL', concept: 'sql', args: [0, 'sql'], label: '`RawSQL()` runs it as SQL' },
    { callee: 'django.http.FileResponse', concept: 'path', args: [0], label: '`FileResponse()` serves the file' },
    { callee: 'django.http.response.FileResponse', concept: 'path', args: [0], label: '`FileResponse()` serves the file' },
  ],
  sanitizers: [
    { callee: 'django.utils.html.escape', concepts: ['html'] },
    { callee: 'django.utils.html.conditional_escape', concepts: ['html'] },
    { callee: 'django.utils.html.strip_tags', concepts: ['html'] },
    { callee: 'django.utils.text.get_valid_filename', concepts: ['path', 'command'] },
    { callee: 'django.shortcuts.render', concepts: ['html'] },
    { callee: 'django.template.loader.render_to_string', concepts: ['html'] },
    // Django templates escape what they insert (https://docs.djangoproject.com/en/stable/ref/templates/language/#automatic-html-escaping).
    { callee: 'django.template.Template.render', concepts: ['html'] },
    { callee: 'django.template.base.Template.render', concepts: ['html'] },
    { callee: 'django.http.JsonResponse', concepts: ['html'] },
    { callee: 'django.http.response.JsonResponse', concepts: ['html'] },
    { callee: 'django.urls.reverse', concepts: ['redirect', 'url', 'html'] },
  ],
  guards: [
    { callee: 'django.utils.http.url_has_allowed_host_and_scheme', args: [0, 'url'], concepts: ['redirect', 'url'] },
    { callee: 'django.utils.http.is_safe_url', args: [0, 'url'], concepts: ['redirect', 'url'] },
  ],
  terminators: ['django.http.Http404', 'django.core.exceptions.PermissionDenied'],
};
