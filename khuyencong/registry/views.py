from django.http import HttpResponse


def establishment_list(request):
    return HttpResponse("")
