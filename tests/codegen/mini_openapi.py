"""A small OpenAPI document that exercises every rule the generator has (used by the codegen tests)."""

from __future__ import annotations

import copy
import typing

_NULLABLE_STR = {"anyOf": [{"type": "string"}, {"type": "null"}]}

DOC: typing.Dict[str, typing.Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Mini API", "version": "1"},
    "paths": {
        "/v5/widgets/log": {
            "post": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "log",
                "description": "Log a widget.",
                "parameters": [
                    {"name": "environment", "in": "query", "required": False, "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetLogRequest"}}},
                },
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/LogResponse"}}}},
                    "422": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
                        }
                    },
                },
            }
        },
        "/v5/widgets": {
            "get": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "list",
                "x-fern-pagination": {"offset": "$request.page", "results": "$response.records"},
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "size", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "tag",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PaginatedData_WidgetResponse_"}
                            }
                        }
                    }
                },
            }
        },
        "/v5/widgets/{id}": {
            "delete": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "delete",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "Deleted"}},
            },
            "post": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "touch",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"anyOf": [{}, {"type": "null"}]}}}}},
            },
            "patch": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "poke",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"anyOf": [{}, {"type": "null"}], "x-fern-type": "unknown"}}
                        }
                    }
                },
            },
        },
        "/v5/widgets/{id}/csv": {
            "post": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "upload_csv",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {
                    "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Body_upload"}}}
                },
                "responses": {
                    "200": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetResponse"}}}
                    }
                },
            }
        },
        "/v5/widgets/call": {
            "post": {
                "x-fern-sdk-group-name": "widgets",
                "x-fern-sdk-method-name": "call",
                "parameters": [{"name": "environment", "in": "query", "schema": {"type": "string"}}],
                "x-fern-streaming": {
                    "stream-condition": "$request.stream",
                    "response": {"$ref": "#/components/schemas/WidgetResponse"},
                    "response-stream": {"$ref": "#/components/schemas/WidgetChunk"},
                },
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetCallRequest"}}}
                },
                "responses": {"200": {"content": {"application/json": {"schema": {}}}}},
            }
        },
    },
    "components": {
        "schemas": {
            "HTTPValidationError": {
                "type": "object",
                "properties": {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}},
            },
            "ValidationError": {
                "type": "object",
                "required": ["loc", "msg"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                },
            },
            "WidgetLogRequest": {
                "type": "object",
                "properties": {
                    "environment": _NULLABLE_STR,
                    "output": _NULLABLE_STR,
                    "choice": {
                        "anyOf": [
                            {"const": "none"},
                            {"const": "auto"},
                            {"$ref": "#/components/schemas/WidgetResponse"},
                            {"type": "null"},
                        ]
                    },
                },
            },
            "WidgetCallRequest": {
                "type": "object",
                "properties": {
                    "stream": {"type": "boolean"},
                    "environment": _NULLABLE_STR,
                    "mode": {"anyOf": [{"const": "fast"}, {"const": "slow"}]},
                },
            },
            "Body_upload": {
                "type": "object",
                "required": ["file", "commit_message"],
                "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                    "commit_message": {"type": "string"},
                },
            },
            "WidgetResponse": {
                "type": "object",
                "description": 'A widget. Backslash \\ and """ quotes survive.',
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string", "description": "Unique identifier."},
                    "kind": {"const": "widget"},
                    "ai21": _NULLABLE_STR,
                    "model_name": _NULLABLE_STR,
                    "size": {"type": "string", "enum": ["small", "large"]},
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
            "GadgetResponse": {
                "type": "object",
                "required": ["id", "kind"],
                "properties": {"id": {"type": "string"}, "kind": {"const": "gadget"}},
            },
            "WidgetChunk": {"type": "object", "properties": {"delta": {"type": "string"}}},
            "WidgetLogResponse": {
                "type": "object",
                "required": ["id", "widget"],
                "properties": {
                    "id": {"type": "string"},
                    "widget": {"$ref": "#/components/schemas/WidgetResponse"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/LogResponse"}},
                },
            },
            "GadgetLogResponse": {
                "type": "object",
                "required": ["id", "gadget"],
                "properties": {"id": {"type": "string"}, "gadget": {"$ref": "#/components/schemas/GadgetResponse"}},
            },
            "LogResponse": {
                "anyOf": [
                    {"$ref": "#/components/schemas/WidgetLogResponse"},
                    {"$ref": "#/components/schemas/GadgetLogResponse"},
                ]
            },
            "ThingResponse": {
                "anyOf": [
                    {"$ref": "#/components/schemas/WidgetResponse"},
                    {"$ref": "#/components/schemas/GadgetResponse"},
                ]
            },
            "PaginatedData_WidgetResponse_": {
                "type": "object",
                "required": ["records", "page", "size", "total"],
                "properties": {
                    "records": {"type": "array", "items": {"$ref": "#/components/schemas/WidgetResponse"}},
                    "page": {"type": "integer"},
                    "size": {"type": "integer"},
                    "total": {"type": "integer"},
                },
            },
            "src__pkg__ToolType": {"type": "string", "enum": ["function"], "x-fern-type-name": "ChatToolType"},
            "Opaque": {"description": "Any JSON value."},
            "Legacy": {"type": "object", "properties": {"id": {"type": "string"}}, "x-fern-type": "unknown"},
        }
    },
}


def doc() -> typing.Dict[str, typing.Any]:
    return copy.deepcopy(DOC)
