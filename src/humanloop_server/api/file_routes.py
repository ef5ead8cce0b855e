"""The routes every versioned file kind shares (list, upsert, get, delete, move, versions, deployments ...).

Prompts, Tools, Datasets, Evaluators and Flows offer the same family of operations, differing only
in their models, their file type and the noun in their descriptions. A resource module
describes its kind with a `FileKind` and names the shared routes it has:

    add_file_routes(router, TOOLS, "list", "upsert", "get", ...)

Each route below is registered exactly as it used to be written by hand in every module, and calls
`services.files` with the kind's `file_type`. The operation ids follow FastAPI's
`<method>_<group><path>_<http method>` scheme of the reference contract. Routes that differ for a
kind (log routes, `prompts.call`, the Datapoint routes, the Dataset `get`/`upsert`/`list_versions`
with their own query parameters) stay in the resource module.

No `from __future__ import annotations` here: the endpoint annotations refer to the kind's models,
so FastAPI must see them evaluated. mypy cannot read a model chosen at run time as a type: the few
places that name one (`kind.request`, `kind.update_request`, `PaginatedData[kind.response]`) carry
a `type: ignore[name-defined]`, and the parameters typed so are `Any` to mypy.
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Type

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel
from typing_extensions import Annotated

from ..schemas import (
    CommitRequest,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    UpdateVersionRequest,
    VersionStatus,
)
from ..services import files, kinds
from .bodies import dump, val
from .deps import ContextDep
from .routing import sdk_extra

Context = ContextDep


@dataclass(frozen=True)
class FileKind:
    """What the shared routes need to know about one file kind."""

    #: URL segment and SDK resource name, e.g. `"tools"`; also part of every operation id.
    group: str
    #: The file type the services know the kind by, e.g. `"tool"`.
    file_type: str
    #: A version of the file, e.g. `ToolResponse`.
    response: Type[BaseModel]
    #: Body of `upsert`, e.g. `ToolRequest`.
    request: Type[BaseModel]
    #: Body of `move`, e.g. `UpdateToolRequest`.
    update_request: Type[BaseModel]
    #: Response of `list_versions`, e.g. `ListTools`.
    versions_response: Type[BaseModel]
    #: Minimum of the `size` query parameter of `list` (the reference contract gives some kinds
    #: `ge=0`, others no bound).
    page_size_minimum: Optional[int] = None
    #: SDK method name of `PATCH /{group}/{id}/versions/{version_id}` when it is not
    #: `update_<type>_version` (Prompts: `patch_prompt_version`).
    update_version_method: Optional[str] = None

    @property
    def noun(self) -> str:
        """Singular noun used in summaries and descriptions, e.g. `"Tool"` (from `services.kinds`)."""
        return kinds.kind(self.file_type).label

    @property
    def a_noun(self) -> str:
        """The noun with its article: "a Tool", "an Evaluator"."""
        return kinds.kind(self.file_type).a_label


def _sdk(kind: FileKind, method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra(kind.group, method, **kwargs)


def _file_id(kind: FileKind) -> Any:
    return Path(description=f"ID of the {kind.noun}.")


def _list(router: APIRouter, kind: FileKind) -> None:
    g, nouns = kind.group, f"{kind.noun}s"

    @router.get(
        "",
        response_model=PaginatedData[kind.response],  # type: ignore[name-defined]
        operation_id=f"list__{g}_get",
        summary=f"List {nouns}",
        description=f"Returns one page of the organisation's {nouns}, optionally filtered by name or creator and sorted.",
        openapi_extra=_sdk(kind, "list", paginated=True),
    )
    def list_files(
        ctx: Context,
        page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
        size: Annotated[
            Optional[int], Query(description="Number of items per page.", ge=kind.page_size_minimum)
        ] = None,
        name: Annotated[
            Optional[str], Query(description=f"Only {nouns} whose name contains this text (case-insensitive).")
        ] = None,
        user_filter: Annotated[
            Optional[str],
            Query(description="Only files whose creator's name or email contains this text (case-insensitive)."),
        ] = None,
        sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
        order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
    ) -> Dict[str, Any]:
        return files.list_files(
            ctx,
            [kind.file_type],
            page=page,
            size=size,
            name=name,
            user_filter=user_filter,
            sort_by=val(sort_by),
            order=val(order),
        )


def _upsert(router: APIRouter, kind: FileKind) -> None:
    @router.post(
        "",
        response_model=kind.response,
        operation_id=f"upsert_{kind.group}_post",
        summary=f"Create or find {kind.a_noun} version",
        description=f"Creates the {kind.noun} (found by `path` or `id`) and a new version of it, unless a version with the same settings exists; returns that version.",
        openapi_extra=_sdk(kind, "upsert"),
    )
    def upsert(
        body: kind.request,  # type: ignore[name-defined]
        ctx: Context,
    ) -> Dict[str, Any]:
        return files.upsert(ctx, kind.file_type, dump(body))


def _get(router: APIRouter, kind: FileKind) -> None:
    @router.get(
        "/{id}",
        response_model=kind.response,
        operation_id=f"get_{kind.group}__id__get",
        summary=f"Get {kind.a_noun}",
        description=f"Returns one version of {kind.a_noun}: the one given by `version_id`, the one deployed to `environment`, or the default deployment.",
        openapi_extra=_sdk(kind, "get"),
    )
    def get(
        id: Annotated[str, _file_id(kind)],
        ctx: Context,
        version_id: Annotated[Optional[str], Query(description=f"ID of the {kind.noun} version to return.")] = None,
        environment: Annotated[
            Optional[str], Query(description="Environment whose deployed version to return.")
        ] = None,
    ) -> Dict[str, Any]:
        return files.get(ctx, kind.file_type, id, version_id=version_id, environment=environment)


def _delete(router: APIRouter, kind: FileKind) -> None:
    @router.delete(
        "/{id}",
        status_code=204,
        response_class=Response,
        operation_id=f"delete_{kind.group}__id__delete",
        summary=f"Delete {kind.a_noun}",
        description=f"Deletes the {kind.noun} with all its versions.",
        openapi_extra=_sdk(kind, "delete"),
    )
    def delete(id: Annotated[str, _file_id(kind)], ctx: Context) -> Response:
        files.delete(ctx, kind.file_type, id)
        return Response(status_code=204)


def _move(router: APIRouter, kind: FileKind) -> None:
    @router.patch(
        "/{id}",
        response_model=kind.response,
        operation_id=f"move_{kind.group}__id__patch",
        summary=f"Rename or move {kind.a_noun}",
        description=f"Changes the name or the path of {kind.a_noun}.",
        openapi_extra=_sdk(kind, "move"),
    )
    def move(
        id: Annotated[str, _file_id(kind)],
        body: kind.update_request,  # type: ignore[name-defined]
        ctx: Context,
    ) -> Dict[str, Any]:
        data = dump(body, unset=True)
        return files.move(ctx, kind.file_type, id, path=data.get("path"), name=data.get("name"))


def _list_versions(router: APIRouter, kind: FileKind) -> None:
    @router.get(
        "/{id}/versions",
        response_model=kind.versions_response,
        operation_id=f"list_versions_{kind.group}__id__versions_get",
        summary=f"List versions of {kind.a_noun}",
        description=f"Returns every version of {kind.a_noun}, optionally filtered by status.",
        openapi_extra=_sdk(kind, "list_versions"),
    )
    def list_versions(
        id: Annotated[str, _file_id(kind)],
        ctx: Context,
        status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
        evaluator_aggregates: Annotated[
            Optional[bool], Query(description="Whether to include the aggregated judgments of Evaluators.")
        ] = None,
    ) -> Dict[str, Any]:
        # `evaluator_aggregates` is part of the contract but changes nothing here.
        return files.list_versions(ctx, kind.file_type, id, status=val(status))


def _commit(router: APIRouter, kind: FileKind) -> None:
    @router.post(
        "/{id}/versions/{version_id}/commit",
        response_model=kind.response,
        operation_id=f"commit_{kind.group}__id__versions__version_id__commit_post",
        summary=f"Commit {kind.a_noun} version",
        description=f"Marks a version of {kind.a_noun} as committed, with a message describing it.",
        openapi_extra=_sdk(kind, "commit"),
    )
    def commit(
        id: Annotated[str, _file_id(kind)],
        version_id: Annotated[str, Path(description="ID of a version.")],
        body: CommitRequest,
        ctx: Context,
    ) -> Dict[str, Any]:
        return files.commit(ctx, kind.file_type, id, version_id, body.commit_message)


def _set_deployment(router: APIRouter, kind: FileKind) -> None:
    @router.post(
        "/{id}/environments/{environment_id}",
        response_model=kind.response,
        operation_id=f"set_deployment_{kind.group}__id__environments__environment_id__post",
        summary=f"Deploy {kind.a_noun} version",
        description=f"Deploys a version of {kind.a_noun} to an environment, replacing the version deployed there.",
        openapi_extra=_sdk(kind, "set_deployment"),
    )
    def set_deployment(
        id: Annotated[str, _file_id(kind)],
        environment_id: Annotated[str, Path(description="ID of the environment.")],
        version_id: Annotated[str, Query(description="ID of a version.")],
        ctx: Context,
    ) -> Dict[str, Any]:
        return files.set_deployment(ctx, kind.file_type, id, environment_id, version_id)


def _remove_deployment(router: APIRouter, kind: FileKind) -> None:
    @router.delete(
        "/{id}/environments/{environment_id}",
        status_code=204,
        response_class=Response,
        operation_id=f"remove_deployment_{kind.group}__id__environments__environment_id__delete",
        summary=f"Remove {kind.a_noun} deployment",
        description=f"Removes whatever version of {kind.a_noun} is deployed to an environment.",
        openapi_extra=_sdk(kind, "remove_deployment"),
    )
    def remove_deployment(
        id: Annotated[str, _file_id(kind)],
        environment_id: Annotated[str, Path(description="ID of the environment.")],
        ctx: Context,
    ) -> Response:
        files.remove_deployment(ctx, kind.file_type, id, environment_id)
        return Response(status_code=204)


def _list_environments(router: APIRouter, kind: FileKind) -> None:
    @router.get(
        "/{id}/environments",
        response_model=List[FileEnvironmentResponse],
        operation_id=f"list_environments_{kind.group}__id__environments_get",
        summary=f"List environments of {kind.a_noun}",
        description=f"Returns every environment with the version of the {kind.noun} deployed to it, if any.",
        openapi_extra=_sdk(kind, "list_environments"),
    )
    def list_environments(id: Annotated[str, _file_id(kind)], ctx: Context) -> List[Dict[str, Any]]:
        return files.list_environments(ctx, kind.file_type, id)


def _update_monitoring(router: APIRouter, kind: FileKind) -> None:
    @router.post(
        "/{id}/evaluators",
        response_model=kind.response,
        operation_id=f"update_monitoring_{kind.group}__id__evaluators_post",
        summary=f"Change monitoring of {kind.a_noun}",
        description=f"Turns Evaluators on or off for judging new Logs of the {kind.noun}.",
        openapi_extra=_sdk(kind, "update_monitoring"),
    )
    def update_monitoring(
        id: Annotated[str, _file_id(kind)],
        body: EvaluatorActivationDeactivationRequest,
        ctx: Context,
    ) -> Dict[str, Any]:
        data = dump(body, unset=True)
        return files.update_monitoring(ctx, kind.file_type, id, data.get("activate"), data.get("deactivate"))


def _delete_version(router: APIRouter, kind: FileKind) -> None:
    method = f"delete_{kind.file_type}_version"

    @router.delete(
        "/{id}/versions/{version_id}",
        status_code=204,
        response_class=Response,
        operation_id=f"{method}_{kind.group}__id__versions__version_id__delete",
        summary=f"Delete {kind.a_noun} version",
        description=f"Deletes one version of {kind.a_noun}; a version deployed to an environment cannot be deleted (409). Its Logs are kept.",
        openapi_extra=_sdk(kind, method),
    )
    def delete_version(
        id: Annotated[str, _file_id(kind)],
        version_id: Annotated[str, Path(description="ID of the version.")],
        ctx: Context,
    ) -> Response:
        files.delete_version(ctx, kind.file_type, id, version_id)
        return Response(status_code=204)


def _update_version(router: APIRouter, kind: FileKind) -> None:
    method = kind.update_version_method or f"update_{kind.file_type}_version"

    @router.patch(
        "/{id}/versions/{version_id}",
        response_model=kind.response,
        operation_id=f"{method}_{kind.group}__id__versions__version_id__patch",
        summary=f"Name or describe {kind.a_noun} version",
        description="Sets the name (unique within the file, 409 otherwise) or the description of a version; either marks it committed.",
        openapi_extra=_sdk(kind, method),
    )
    def update_version(
        id: Annotated[str, _file_id(kind)],
        version_id: Annotated[str, Path(description="ID of the version.")],
        body: UpdateVersionRequest,
        ctx: Context,
    ) -> Dict[str, Any]:
        return files.update_version(ctx, kind.file_type, id, version_id, body.name, body.description)


#: The shared routes by SDK method name.
SHARED_ROUTES: Dict[str, Callable[[APIRouter, FileKind], None]] = {
    "list": _list,
    "upsert": _upsert,
    "get": _get,
    "delete": _delete,
    "move": _move,
    "list_versions": _list_versions,
    "commit": _commit,
    "delete_version": _delete_version,
    "update_version": _update_version,
    "set_deployment": _set_deployment,
    "remove_deployment": _remove_deployment,
    "list_environments": _list_environments,
    "update_monitoring": _update_monitoring,
}


def add_file_routes(router: APIRouter, kind: FileKind, *methods: str) -> None:
    """Register the shared routes named by `methods` (SDK method names) for `kind` on `router`."""
    for method in methods:
        SHARED_ROUTES[method](router, kind)
